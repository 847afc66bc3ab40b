import { isOutOfReach } from '@vanguard/infra-config';

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
  /** When the part is expected to be there, if the thrower knows: a consumer tries again then, never later than its backoff. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.name = 'InfrastructureUnavailable';
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The backoff after a failure that is no verdict: the policy's, or sooner when the error says when to try again. */
export function noVerdictDelayMs(policy: RetryPolicy, waits: number, e: unknown, random: () => number = Math.random): number {
  const backoff = outageDelayMs(policy, waits, random);
  const hint = e instanceof InfrastructureUnavailable ? e.retryAfterMs : undefined;
  return hint === undefined ? backoff : Math.min(backoff, Math.max(0, hint));
}

/**
 * Whether `e` says the database (or another part) could not be reached, rather than anything about
 * the work (`isOutOfReach`, libs/infra-config, lists the codes). Counted as an outage, such a
 * failure is retried whole for as long as it lasts, never split or dead-lettered: which is why
 * codes as often the work's own doing (57014, 53200, 53400) are not on that list.
 */
export function isInfrastructureError(e: unknown): boolean {
  return e instanceof InfrastructureUnavailable || isOutOfReach(e);
}

/**
 * A serialization failure (40001) or a deadlock (40P01): the transaction lost a race with another
 * one, which Postgres rolled it back for. That says nothing of the work, and run again it can go
 * through (one of the two always does), so it is retried without counting an attempt.
 */
export function isTransientConflict(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/** A failure no message is to blame for: waited out for as long as it lasts, never a step towards a dead letter. */
export function isNoVerdict(e: unknown): boolean {
  return isInfrastructureError(e) || isTransientConflict(e);
}

/**
 * The backoff after the `waits`-th failure in a row that is no verdict: the policy's schedule,
 * held at its cap (`maxDelayMs`) for as long as the outage lasts.
 */
export function outageDelayMs(policy: RetryPolicy, waits: number, random: () => number = Math.random): number {
  return retryDelayMs(policy, Math.min(waits, 16), random);
}
