import type { Pool, PoolClient } from 'pg';
import { AdvisoryLease, DEFAULT_LEASE_TIMEOUT_MS } from '@vanguard/event-store';

/**
 * One relay per source at a time (ADR 0015): a session advisory lock on a connection of its
 * own, with the event-store subscriptions' lease (`AdvisoryLease`): TCP keepalives and server
 * timeouts of about T, so a vanished holder's lock is free after about T; a check every T/5 on
 * the lock's connection, trusted for T/2, so a holder whose connection went silent stops
 * leading before the server can hand the lock to a standby. Statements that must not run
 * without the lock (checkpoint reads and writes, outbox stamps) run on that connection.
 */
export class RelayLeaderLease {
  private readonly lease: AdvisoryLease;
  private leading = false;
  private generation_ = 0;

  /** `key` names what is led, e.g. a table or a store schema; hashed into the lock's second key. */
  constructor(pool: Pool, key: string, timeoutMs: number = DEFAULT_LEASE_TIMEOUT_MS, onLost: () => void = () => undefined) {
    this.lease = new AdvisoryLease(pool, ['vanguard-relay', key], `relay ${key}`, onLost, timeoutMs);
  }

  /** Leads, and heard from the lock's session within T/2: publishing is safe to start. */
  get held(): boolean {
    return this.leading && this.lease.held;
  }

  /** Counts the tenures: two reads under one number happened with nobody else leading in between. */
  get generation(): number {
    return this.generation_;
  }

  /**
   * True while this instance leads, taking the lock if it is free. A tenure whose trust lapsed
   * ends here for good (its session is torn down) and this round stands by, so a standby that
   * is already connected takes over rather than this instance flapping back.
   */
  async acquire(): Promise<boolean> {
    if (this.leading) {
      if (this.lease.held) return true;
      this.leading = false;
      this.lease.abandon();
      return false;
    }
    if (!(await this.lease.tryAcquire())) return false;
    this.leading = true;
    this.generation_ += 1;
    return true;
  }

  /** One statement on the lock's own session, refused (LeaseLostError) unless the lock is trusted. */
  async query<R extends object>(sql: string, values: readonly unknown[]): Promise<R[]> {
    return (await this.lease.onSession<R>(sql, values)).rows;
  }

  /** `query` with "this session holds the lock" inside the statement (see AdvisoryLease.fenced). */
  fenced<R extends object>(sql: (holdsLock: string) => string, values: readonly unknown[]): Promise<R[]> {
    return this.lease.fenced<R>(sql, values);
  }

  async release(): Promise<void> {
    this.leading = false;
    await this.lease.release();
  }
}

/**
 * The older, pooled form: no keepalive and no check, so a silently dropped connection leaves
 * `held` true (issue 9, defect 6). The relay sources use RelayLeaderLease; this one remains
 * only for callers that run several statements on a PoolClient (the roster state publisher).
 */
export class LeaderLock {
  private client: PoolClient | undefined;
  private generation_ = 0;

  /** `key` names what is led, e.g. a table or a store schema; hashed into the lock's second key. */
  constructor(
    private readonly pool: Pool,
    private readonly key: string,
  ) {}

  get held(): boolean {
    return this.client !== undefined;
  }

  /**
   * Counts the times this instance obtained the lock: two reads under one number happened
   * under one unbroken tenure, so nobody else can have led (and moved the source on) between them.
   */
  get generation(): number {
    return this.generation_;
  }

  /** The leader's connection, acquiring the lock if free; `undefined` while another instance leads. */
  async acquire(): Promise<PoolClient | undefined> {
    if (this.client) return this.client;
    const c = await this.pool.connect();
    try {
      const { rows } = await c.query<{ ok: boolean }>(`select pg_try_advisory_lock(hashtext('vanguard-relay'), hashtext($1)) as ok`, [
        this.key,
      ]);
      if (rows[0]?.ok) {
        c.on('error', () => (this.client === c ? (this.client = undefined) : undefined));
        this.client = c;
        this.generation_ += 1;
        return c;
      }
      c.release();
      return undefined;
    } catch (e) {
      c.release(true);
      throw e;
    }
  }

  /** Runs work on the leader's connection; a broken connection has lost the lock, so it is dropped. */
  async run<T>(client: PoolClient, work: (c: PoolClient) => Promise<T>): Promise<T> {
    try {
      return await work(client);
    } catch (e) {
      if (this.client === client) {
        this.client = undefined;
        client.release(true);
      }
      throw e;
    }
  }

  async release(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    try {
      await c.query('select pg_advisory_unlock_all()');
      c.release();
    } catch {
      c.release(true);
    }
  }
}
