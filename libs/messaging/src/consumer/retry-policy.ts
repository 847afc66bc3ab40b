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

/**
 * Postgres and socket codes that say the database could not do any work just now, whatever the
 * work: the connection refused, reset or timed out (class 08, ECONN*, ETIMEDOUT, EPIPE), the
 * server shutting down or starting up (57P01-03), out of connections (53300) or disk (53100), a
 * system or I/O error (class 58), and a write sent to a standby, as after a failover while the
 * pool still holds the old address (25006). Not 57014 (query_canceled), 53200 (out of memory, or
 * of lock slots) or 53400 (a configuration limit): each is as often the work's own doing (a query
 * too slow for its data, a chunk taking more locks than the table holds), and counted as an outage
 * it would be retried whole for ever, never split or dead-lettered.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53100',
  '53300',
  '25006',
]);
const UNREACHABLE_CLASSES = ['08', '58'];

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A connect to a Unix-domain socket that is not there: Postgres on the same host may be reached
 * over its socket (`?host=<dir>`, docs/operations.md), and a stopped server removes it. Only a
 * connect's ENOENT: a file missing for any other reason is the work's own doing.
 */
function isSocketGone(e: unknown): boolean {
  return codeOf(e) === 'ENOENT' && (e as { syscall?: unknown }).syscall === 'connect';
}

/** Whether `e` says the database (or another part) could not be reached, rather than anything about the work. */
export function isInfrastructureError(e: unknown): boolean {
  if (e instanceof InfrastructureUnavailable) return true;
  const code = codeOf(e);
  if (code && (UNREACHABLE_CODES.has(code) || (code.length === 5 && UNREACHABLE_CLASSES.includes(code.slice(0, 2))))) return true;
  if (isSocketGone(e)) return true;
  const message = e instanceof Error ? e.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message);
}

/**
 * A serialization failure (40001) or a deadlock (40P01): the transaction lost a race with another
 * one, which Postgres rolled it back for. That says nothing of the work, and run again it can go
 * through (one of the two always does), so it is retried without counting an attempt.
 */
export function isTransientConflict(e: unknown): boolean {
  const code = codeOf(e);
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
