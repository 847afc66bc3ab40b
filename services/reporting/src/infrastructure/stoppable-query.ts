import { Client, type Pool, type PoolClient } from 'pg';

/**
 * A read that was stopped: its statement timeout (`timeout`), or its caller left (`cancelled`):
 * before it began, or Postgres cancelled its statement.
 */
export class QueryStopped extends Error {
  constructor(readonly why: 'timeout' | 'cancelled') {
    super(`query stopped: ${why}`);
  }
}

/** Postgres's SQLSTATE for a statement cancelled (its timeout, or pg_cancel_backend). */
const QUERY_CANCELED = '57014';

/**
 * A download's statements' timeout when it names none: the cancel below needs a connection of its
 * own, which is refused just when connections run out, and then only a timeout ends the statement.
 */
export const BACKSTOP_TIMEOUT_MS = 10 * 60_000;

/** How long a query may run, and what stops it early. */
export interface StopOptions {
  /** `statement_timeout` of the query's transaction; BACKSTOP_TIMEOUT_MS unless given. */
  readonly timeoutMs?: number;
  /** Aborted when the caller is gone: the running statement is cancelled. */
  readonly signal?: AbortSignal;
}

/**
 * `work` on a client of its own in a read-only transaction with the timeout; a caller gone
 * (`signal`) cancels the running statement from outside the pool, whose connections may all be busy,
 * and a connection a cancel was sent on is closed, not given back: nothing of the read is left in
 * Postgres, neither a statement nor a transaction nor its locks.
 */
export async function stoppable<T>(pool: Pool, o: StopOptions, work: (c: PoolClient) => Promise<T>): Promise<T> {
  if (o.signal?.aborted) throw new QueryStopped('cancelled');
  const c = await pool.connect();
  // Gone while this waited for a connection: nothing has run yet.
  if (o.signal?.aborted) {
    c.release();
    throw new QueryStopped('cancelled');
  }
  // The login's key, not asked of Postgres (a round trip on every dashboard query): right because
  // reporting connects to Postgres directly (docs/operations.md); behind a pooler it would not be.
  const pid = (c as unknown as { processID?: number }).processID;
  let cancelling: Promise<void> | undefined;
  const cancel = () => void (cancelling = cancelBackend(pool, pid));
  o.signal?.addEventListener('abort', cancel, { once: true });
  let broken: Error | boolean | undefined;
  // A cancel reaches only a statement running: a caller gone between two of them would see every
  // later one run, idle in transaction meanwhile. Each statement asks first (the abort listener
  // has run by then: it is synchronous). Promise-style queries only: a callback or a cursor given
  // to `query` after the caller left would get a rejected promise, never its callback.
  const stillWanted = () => {
    if (o.signal?.aborted) throw new QueryStopped('cancelled');
  };
  const guarded = new Proxy(c, {
    get(target, key, receiver) {
      if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
      return (...args: Parameters<PoolClient['query']>) =>
        o.signal?.aborted ? Promise.reject(new QueryStopped('cancelled')) : (target.query as (...a: unknown[]) => unknown)(...args);
    },
  });
  try {
    await guarded.query('begin read only');
    await guarded.query(`set local statement_timeout = ${Math.max(1, Math.floor(o.timeoutMs ?? BACKSTOP_TIMEOUT_MS))}`);
    const out = await work(guarded);
    stillWanted();
    await c.query('commit');
    return out;
  } catch (e) {
    await c.query('rollback').catch((r: Error) => (broken = r));
    if ((e as { code?: string }).code === QUERY_CANCELED) throw new QueryStopped(o.signal?.aborted ? 'cancelled' : 'timeout');
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', cancel);
    // A cancel sent from outside may land late: on this backend's next statement, someone else's
    // once the connection is back in the pool. Wait for it and close the connection instead.
    if (cancelling) {
      await cancelling;
      broken ??= true;
    }
    c.release(broken);
  }
}

async function cancelBackend(pool: Pool, pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const opts = (pool as unknown as { options: Record<string, unknown> }).options;
  const c = new Client({ ...opts, connectionTimeoutMillis: 3_000 });
  // Its connection dropped mid-cancel fails the cancel and then emits 'error': unheard, that ended the service.
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('select pg_cancel_backend($1)', [pid]);
  } catch {
    // No connection to cancel from (the server full, say): the statement still ends at its timeout.
  } finally {
    await c.end().catch(() => undefined);
  }
}
