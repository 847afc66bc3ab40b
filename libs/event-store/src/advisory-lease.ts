import { Client, type Pool } from 'pg';
import type { NamedStatement } from './named-statement';

/** The lease is gone, or can no longer be trusted; whatever it guarded must stop. */
export class LeaseLostError extends Error {
  constructor(readonly lease: string) {
    super(`${lease}: lost the lease`);
    this.name = 'LeaseLostError';
  }
}

/** Default: Postgres ends a lease session that sent nothing for 10 s; see AdvisoryLease. */
export const DEFAULT_LEASE_TIMEOUT_MS = 10_000;

/**
 * A session-level advisory lock on a connection of its own: held for as long as that
 * connection lives, released by Postgres the moment it ends (a crash, a network cut, a
 * terminated backend), so a standby can take over without anyone cleaning up.
 *
 * "The connection ended" is only prompt if someone notices, so the lease is bounded by a
 * timeout T on both sides:
 * - the server ends the session after T without a query (`idle_session_timeout`), and probes a
 *   quiet peer with TCP keepalives and `tcp_user_timeout` of about T, so a lock whose holder
 *   vanished (host crash, dropped route) is free after about T, not after hours of TCP retries;
 * - the holder checks the lock every T/5 and trusts it only up to T/2 after sending the last
 *   check that came back: it stops trusting its lease before the server can have freed it.
 * Work that must not happen without the lease (checkpoint writes) runs on this connection
 * (`onSession`, `fenced`): the lock lives exactly as long as the session, so a statement that
 * completes there ran while the lock was held, and the lock outlives the session's last commit,
 * so a successor that takes it sees every write this holder made.
 *
 * The connection is outside the pool for the same reason as PgListener's: a session lock
 * stays with its session, and a pooled connection goes back to other work.
 */
export class AdvisoryLease {
  private client: Client | undefined;
  private holding = false;
  /** When the last check that came back was sent: the lock was held at some instant after it. */
  private confirmedAt = 0;
  private checkSentAt: number | null = null;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly timeoutMs: number;
  /**
   * The session's statements one after another: the heartbeat's check fires while a statement
   * on the session is still running, and pg queues a second query on a busy client only with
   * a deprecation warning (pg@9 will refuse it).
   */
  private tail: Promise<unknown> = Promise.resolve();

  /** `keys` are hashed into the lock's two int4 keys; `name` labels the connection in pg_stat_activity. */
  constructor(
    private readonly pool: Pool,
    private readonly keys: readonly [string, string],
    private readonly name: string,
    private readonly onLost: () => void = () => undefined,
    timeoutMs: number = DEFAULT_LEASE_TIMEOUT_MS,
  ) {
    if (!(timeoutMs >= 1000)) throw new RangeError(`${name}: lease timeout must be at least 1000 ms`);
    this.timeoutMs = timeoutMs;
  }

  /** Holds the lock, and heard so recently that the server cannot have freed it yet. */
  get held(): boolean {
    return this.holding && Date.now() - this.confirmedAt < this.timeoutMs / 2;
  }

  /** Takes the lock if it is free; true while this instance holds it. Never waits for it. */
  async tryAcquire(): Promise<boolean> {
    if (this.holding) return this.held;
    const client = this.client ?? (await this.connect());
    try {
      const sentAt = Date.now();
      const { rows } = await this.serial(() =>
        client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1), hashtext($2)) as ok', [...this.keys]),
      );
      // The connection may have died while the answer was on its way.
      this.holding = rows[0]?.ok === true && this.client === client;
      if (this.holding) {
        this.confirmedAt = sentAt;
        this.heartbeat = setInterval(() => void this.check(client), Math.max(100, Math.floor(this.timeoutMs / 5)));
        this.heartbeat.unref();
      }
      return this.holding;
    } catch (e) {
      this.lose(client);
      throw e;
    }
  }

  /**
   * Runs one statement on the lease's own session, only while the lease is held (see the
   * class comment for why that fences it). An error on it ends the lease.
   */
  async onSession<R extends object>(sql: string | NamedStatement, values: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }> {
    const client = this.client;
    if (!client || !this.held) throw new LeaseLostError(this.name);
    try {
      const statement = typeof sql === 'string' ? { text: sql } : sql;
      const r = await this.serial(() => client.query<R>({ ...statement, values: [...values] }));
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    } catch (e) {
      this.lose(client);
      throw e;
    }
  }

  /**
   * `onSession`, with the condition "this session holds the lock" for the statement itself
   * (its keys are appended to `values`). Reading pg_locks costs about a millisecond, so it
   * suits rare statements (the checkpoint read at takeover), not one per batch.
   */
  async fenced<R extends object>(sql: (holdsLock: string) => string, values: readonly unknown[]): Promise<R[]> {
    const n = values.length;
    return (await this.onSession<R>(sql(holdsLockSql(n + 1, n + 2)), [...values, ...this.keys])).rows;
  }

  /** Declares the lease lost (say its trust lapsed) and ends its session. */
  abandon(): void {
    if (this.client) this.lose(this.client);
  }

  /** Unlocks first, so a standby's next try succeeds without waiting for the backend to exit. */
  async release(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.holding = false;
    clearInterval(this.heartbeat);
    if (!c) return;
    await this.serial(() => c.query('select pg_advisory_unlock_all()')).catch(() => undefined);
    await c.end().catch(() => undefined);
  }

  /** One heartbeat: a check still unanswered after T/2 means the lease cannot be trusted. */
  private async check(client: Client): Promise<void> {
    if (this.client !== client || !this.holding) return;
    if (this.checkSentAt !== null) {
      if (Date.now() - this.checkSentAt >= this.timeoutMs / 2) this.lose(client);
      return;
    }
    const sentAt = Date.now();
    this.checkSentAt = sentAt;
    try {
      const { rows } = await this.serial(() => client.query<{ held: boolean }>(`select ${holdsLockSql(1, 2)} as held`, [...this.keys]));
      if (this.client !== client) return;
      if (rows[0]?.held === true) this.confirmedAt = sentAt;
      else this.lose(client); // someone unlocked it on this session: not ours any more
    } catch {
      this.lose(client);
    } finally {
      if (this.checkSentAt === sentAt) this.checkSentAt = null;
    }
  }

  /** Runs `statement` once every statement sent before it on the session has settled. */
  private serial<T>(statement: () => Promise<T>): Promise<T> {
    const run = this.tail.then(statement, statement);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async connect(): Promise<Client> {
    const seconds = String(Math.max(1, Math.round(this.timeoutMs / 1000)));
    const c = new Client({
      ...this.pool.options,
      application_name: this.name.slice(0, 63),
      keepAlive: true,
      keepAliveInitialDelayMillis: Math.max(1000, Math.floor(this.timeoutMs / 2)),
    });
    // The lock lives and dies with this connection: an error on it means the lock is gone.
    c.on('error', () => this.lose(c));
    c.on('end', () => this.lose(c));
    await c.connect();
    try {
      // Lets Postgres free the lock of a holder that went quiet (see the class comment). A
      // statement on this session (a check, a checkpoint) never has to wait long.
      await c.query(
        `select set_config('idle_session_timeout', $1, false), set_config('tcp_keepalives_idle', $2, false),
                set_config('tcp_keepalives_interval', '1', false), set_config('tcp_keepalives_count', '3', false),
                set_config('tcp_user_timeout', $1, false), set_config('statement_timeout', $3, false)`,
        [String(this.timeoutMs), seconds, String(Math.floor(this.timeoutMs / 2))],
      );
    } catch (e) {
      void c.end().catch(() => undefined);
      throw e;
    }
    this.client = c;
    return c;
  }

  /** Forgets the connection, stops the heartbeat, and tears the session down without waiting for a peer that may be gone. */
  private lose(c: Client): void {
    if (this.client !== c) return;
    const had = this.holding;
    this.client = undefined;
    this.holding = false;
    this.checkSentAt = null;
    clearInterval(this.heartbeat);
    // end() waits for the server's goodbye, which a silent peer never sends; destroy the socket.
    (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    void c.end().catch(() => undefined);
    if (had) this.onLost();
  }
}

/** "This session holds the advisory lock keyed by hashtext($k1), hashtext($k2)": pg_locks shows the two int4 keys as unsigned oids. */
function holdsLockSql(k1: number, k2: number): string {
  return `exists (select 1 from pg_locks l
     where l.locktype = 'advisory' and l.pid = pg_backend_pid() and l.granted and l.objsubid = 2
       and l.database = (select oid from pg_database where datname = current_database())
       and l.classid::bigint = (hashtext($${k1})::bigint & 4294967295)
       and l.objid::bigint = (hashtext($${k2})::bigint & 4294967295))`;
}
