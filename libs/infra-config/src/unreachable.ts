/**
 * Postgres and socket codes that say the database could not do any work just now, whatever the
 * work: the connection refused, reset or timed out (class 08, ECONN*, ETIMEDOUT, EPIPE), the
 * server shutting down or starting up (57P01-03), out of connections (53300) or disk (53100), a
 * system or I/O error (class 58), and a write sent to a standby, as after a failover while the
 * pool still holds the old address (25006). Not 57014 (query_canceled), 53200 (out of memory, or
 * of lock slots) or 53400 (a configuration limit): each is as often the work's own doing (a query
 * too slow for its data, a chunk taking more locks than the table holds).
 */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
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
/** 08P01 (protocol_violation) is in class 08 but the client's own doing: a statement with more than 65,535 parameters. */
const NOT_AN_OUTAGE: ReadonlySet<string> = new Set(['08P01']);
/** Of those, the ones that do not pass by themselves: an operator must act (a disk full, an I/O error, a standby behind the URL). */
const NEEDS_AN_OPERATOR = (code: string) => code === '53100' || code === '25006' || code.startsWith('58');

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Whether `e` says the database (or the socket to another part) could not be reached, rather than
 * anything about the work: one list for every place that tells an outage from a failure — consumers
 * wait it out (libs/messaging), HTTP answers 503 with Retry-After (libs/http), an import says
 * "try again later". Two lists had drifted: HTTP answered a dropped connection (08006) 500.
 */
export function isOutOfReach(e: unknown): boolean {
  // The event store's "outcome unknown" is an outage when what made it so was one (its lookup could
  // not reach the database). Only such wrappers are looked through: any other error that merely
  // carries an outage as its cause (a 400 built around a client's reset socket, say) keeps its meaning.
  const code = codeOf(e);
  if (code !== undefined && LOOKED_THROUGH.has(code) && reachedNot((e as { cause?: unknown }).cause)) return true;
  return reachedNot(e);
}

/** Errors that say only that something else failed: their cause tells whether it was an outage. */
const LOOKED_THROUGH: ReadonlySet<string> = new Set(['EVENT_STORE.APPEND_OUTCOME_UNKNOWN']);

function reachedNot(e: unknown): boolean {
  const code = codeOf(e);
  if (code !== undefined && NOT_AN_OUTAGE.has(code)) return false;
  if (code !== undefined && (UNREACHABLE_CODES.has(code) || (code.length === 5 && UNREACHABLE_CLASSES.includes(code.slice(0, 2)))))
    return true;
  // A connect to a Unix-domain socket that is not there: Postgres on the same host may be reached
  // over its socket (`?host=<dir>`, docs/operations.md), and a stopped server removes it. Only a
  // connect's ENOENT: a file missing for any other reason is the work's own doing.
  if (code === 'ENOENT' && (e as { syscall?: unknown }).syscall === 'connect') return true;
  // pg words a pool's connect timeout and a dropped connection without a code, and so the next
  // query on a connection held while it dropped (a session lock's, say).
  const message = e instanceof Error ? e.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|connection error and is not queryable/i.test(
    message,
  );
}

/**
 * An outage that will not end by itself (`isOutOfReach` and one of 53100, 25006, class 58): still
 * waited out and answered 503, but logged as an error, since someone has to act.
 */
export function needsAnOperator(e: unknown): boolean {
  const code = codeOf(e);
  return code !== undefined && isOutOfReach(e) && NEEDS_AN_OPERATOR(code);
}
