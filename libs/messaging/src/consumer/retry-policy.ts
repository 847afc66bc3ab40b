export interface RetryPolicy {
  /** Handler attempts before the message is dead-lettered (1 = no retry). */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Fraction of the delay randomised either way, so retries of many consumers spread out. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 10_000, jitter: 0.2 };

/** Delay before attempt `attempt + 1`, after `attempt` (≥ 1) failed: exponential, capped, jittered. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/** Throw from a handler when retrying cannot help (e.g. a referenced aggregate can never exist): straight to the DLQ. */
export class PermanentHandlerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentHandlerError';
  }
}
