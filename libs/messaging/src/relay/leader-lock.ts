import type { Pool } from 'pg';
import { AdvisoryLease, DEFAULT_LEASE_TIMEOUT_MS, type NamedStatement } from '@vanguard/event-store';
export { namedStatement, type NamedStatement } from '@vanguard/event-store';

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
  async query<R extends object>(sql: string | NamedStatement, values: readonly unknown[]): Promise<R[]> {
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
