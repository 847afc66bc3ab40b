import { Client, type Pool } from 'pg';

/**
 * A session-level advisory lock on a connection of its own: held for as long as that
 * connection lives, released by Postgres the moment it ends (a crash, a network cut, a
 * terminated backend), so a standby can take over without anyone cleaning up.
 *
 * The connection is outside the pool for the same reason as PgListener's: a session lock
 * stays with its session, and a pooled connection goes back to other work.
 */
export class AdvisoryLease {
  private client: Client | undefined;
  private holding = false;

  /** `keys` are hashed into the lock's two int4 keys; `name` labels the connection in pg_stat_activity. */
  constructor(
    private readonly pool: Pool,
    private readonly keys: readonly [string, string],
    private readonly name: string,
    private readonly onLost: () => void = () => undefined,
  ) {}

  get held(): boolean {
    return this.holding;
  }

  /** Takes the lock if it is free; true while this instance holds it. Never waits for it. */
  async tryAcquire(): Promise<boolean> {
    if (this.holding) return true;
    const client = this.client ?? (await this.connect());
    try {
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1), hashtext($2)) as ok', [...this.keys]);
      // The connection may have died while the answer was on its way.
      this.holding = rows[0]?.ok === true && this.client === client;
      return this.holding;
    } catch (e) {
      this.drop(client);
      void client.end().catch(() => undefined);
      throw e;
    }
  }

  /** Unlocks first, so a standby's next try succeeds without waiting for the backend to exit. */
  async release(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.holding = false;
    if (!c) return;
    await c.query('select pg_advisory_unlock_all()').catch(() => undefined);
    await c.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const c = new Client({ ...this.pool.options, application_name: this.name.slice(0, 63) });
    // The lock lives and dies with this connection: an error on it means the lock is gone.
    c.on('error', () => {
      this.drop(c);
      void c.end().catch(() => undefined);
    });
    c.on('end', () => this.drop(c));
    await c.connect();
    this.client = c;
    return c;
  }

  private drop(c: Client): void {
    if (this.client !== c) return;
    const had = this.holding;
    this.client = undefined;
    this.holding = false;
    if (had) this.onLost();
  }
}
