import type { ClientBase, Pool } from 'pg';
import { failureKind, type AppendedRow, type AppendOutcome, type AppendRequest, type GroupStore } from './group-commit';

interface Statement {
  readonly name: string;
  readonly text: string;
}

interface ManyRow {
  o_request: number;
  o_position: string | null;
  o_stream_version: string;
  o_transaction_id: string;
  o_hash: string;
  o_actual: string | null;
}

interface StoredRow {
  event_id: string;
  position: string;
  stream_version: string;
  transaction_id: string;
  hash: string;
  canonical: string;
}

/** How long to wait for a broken write's backend to end before giving its outcome up as unknown. */
const ENDED_WITHIN_MS = 10_000;

/**
 * The group committer's side in Postgres: a group is one `append_events_many` call on a
 * connection of its own (its backend pid is what an unknown outcome is resolved by).
 */
export function postgresGroupStore(pool: Pool, schema: string, appendMany: Statement): GroupStore {
  /** The backend each failed write ran on; none: the write was never sent. */
  const backends = new WeakMap<object, number>();

  async function write(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const client = await pool.connect();
    // A connection that breaks mid-query fails the query and then also emits 'error'; the
    // query's failure is the one that counts.
    const ignore = () => undefined;
    client.on('error', ignore);
    // Failed, this is as a failed connect: nothing was sent.
    const pid = await backendPid(client).catch((e: unknown) => {
      client.release(e instanceof Error ? e : new Error(String(e)));
      throw e;
    });
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<ManyRow>({
        name: appendMany.name,
        text: appendMany.text,
        values: [
          requests.map((r) => r.streamId),
          requests.map((r) => r.category),
          requests.map((r) => r.expected),
          requests.map((r) => r.heads.length),
          joinTexts(requests.flatMap((r) => r.heads)),
          joinTexts(requests.flatMap((r) => r.tails)),
        ],
      });
      return outcomes(requests, rows);
    } catch (e) {
      if (e instanceof Object) backends.set(e, pid);
      if (failureKind(e) === 'unknown') broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      // A connection whose state is unknown is closed, not handed to the next caller.
      if (!broken) client.off('error', ignore);
      client.release(broken);
    }
  }

  async function resolve(requests: readonly AppendRequest[], failure: unknown): Promise<(AppendOutcome | null)[]> {
    const pid = failure instanceof Object ? backends.get(failure) : undefined;
    if (pid === undefined) return requests.map(() => null);
    return lookUpBroken(pool, schema, pid, requests);
  }

  return { write, resolve };
}

/**
 * What became of appends whose connection broke, on backend `pid`: each one's rows if it is
 * stored, else null. The backend is ended first and waited for, so its transaction has committed
 * or rolled back for good; a lookup made while it still ran could miss a commit that follows.
 */
export async function lookUpBroken(
  pool: Pool,
  schema: string,
  pid: number,
  requests: readonly AppendRequest[],
): Promise<(AppendOutcome | null)[]> {
  await endBackend(pool, pid);
  const { rows } = await pool.query<StoredRow>(
    `select event_id::text as event_id, position, stream_version, transaction_id, hash, canonical
       from "${schema}".events where event_id = any($1::uuid[]) order by position`,
    [requests.flatMap((r) => r.eventIds)],
  );
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  return requests.map((r) => stored(r, byId));
}

function outcomes(requests: readonly AppendRequest[], rows: readonly ManyRow[]): AppendOutcome[] {
  const appended = requests.map((): AppendedRow[] => []);
  const mismatched = new Map<number, number>();
  for (const x of rows) {
    const i = x.o_request - 1;
    if (x.o_position === null) mismatched.set(i, Number(x.o_actual));
    else
      appended[i]!.push({ position: x.o_position, streamVersion: x.o_stream_version, transactionId: x.o_transaction_id, hash: x.o_hash });
  }
  return requests.map((_, i) => {
    const actual = mismatched.get(i);
    return actual === undefined ? { rows: appended[i]! } : { actual };
  });
}

/**
 * The request's rows if it is stored: every eventId found, at consecutive versions, with
 * exactly the text this request would have stored. Events with its ids but other content were
 * stored by another append, so this one was not (its retry will meet them as duplicates).
 */
function stored(r: AppendRequest, byId: ReadonlyMap<string, StoredRow>): AppendOutcome | null {
  const rows: AppendedRow[] = [];
  for (let i = 0; i < r.eventIds.length; i++) {
    const row = byId.get(r.eventIds[i]!);
    if (!row) return null;
    if (i > 0 && Number(row.stream_version) !== Number(rows[i - 1]!.streamVersion) + 1) return null;
    if (row.canonical !== r.heads[i]! + row.stream_version + r.tails[i]!) return null;
    rows.push({ position: row.position, streamVersion: row.stream_version, transactionId: row.transaction_id, hash: row.hash });
  }
  return { rows };
}

/**
 * The canonical texts joined by U+0001, which canonical JSON always escapes, so none contains
 * it: Postgres splits them with string_to_array, and neither side pays for the quoting and
 * unquoting of an array literal, which for JSON text escapes every double quote.
 */
export function joinTexts(texts: readonly string[]): string {
  return texts.join('\u0001');
}

const pids = new WeakMap<ClientBase, number>();

/**
 * The backend a connection runs on, asked of Postgres once per connection. Not the pid of the
 * login's BackendKeyData, which node-postgres keeps: a pooler in session mode (PgBouncer) sends its
 * own key there, and ending that "backend" would end none, or another. Asked while the connection
 * is sound, before the statement whose loss it will be needed for.
 */
export async function backendPid(client: ClientBase): Promise<number> {
  const known = pids.get(client);
  if (known !== undefined) return known;
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  pids.set(client, rows[0]!.pid);
  return rows[0]!.pid;
}

/**
 * Ends backend `pid` and waits until it is gone, so the transaction it ran has committed or rolled
 * back for good: what a broken connection's work did can be looked up only after that.
 */
export async function endBackend(pool: Pool, pid: number): Promise<void> {
  await pool.query('select pg_terminate_backend($1)', [pid]).catch(() => undefined);
  const deadline = Date.now() + ENDED_WITHIN_MS;
  for (;;) {
    const { rows } = await pool.query<{ alive: boolean }>('select exists (select 1 from pg_stat_activity where pid = $1) as alive', [pid]);
    if (!rows[0]?.alive) return;
    if (Date.now() > deadline) throw new Error(`backend ${pid} of a broken write has not ended`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
