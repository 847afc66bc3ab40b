import type { Pool, PoolClient } from 'pg';

/**
 * One relay per source at a time: a session advisory lock held on a dedicated connection.
 * Standby instances (replicas of the service) get no connection back and read nothing
 * until the holder stops or its connection dies, which releases the lock with it.
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
