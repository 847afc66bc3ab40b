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

/**
 * Throw when a part the handler needs is unreachable (the database, Keycloak's keys): nothing is
 * known yet of the message itself, so it is retried with capped backoff for as long as the
 * consumer runs — never split off, never dead-lettered, never answered as a failure.
 */
export class InfrastructureUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InfrastructureUnavailable';
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03']);

/** Whether `e` says the database (or another part) could not be reached, rather than anything about the work. */
export function isInfrastructureError(e: unknown): boolean {
  if (e instanceof InfrastructureUnavailable) return true;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  const message = e instanceof Error ? e.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message);
}
