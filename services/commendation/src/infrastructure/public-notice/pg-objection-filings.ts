import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { ObjectionFilingsBusyError, type ObjectionFilingsPort } from '../../application/ports/objection-filings.port';
import { heardPool } from '@vanguard/observability';
import { chinaDayBegan } from '@vanguard/kernel';

const NAMESPACE = 'vanguard.commendation.objection-filings';

/**
 * Filings and publications hold the programme's advisory lock shared, a decision holds it alone
 * (ADR 0113): filings never wait on each other, and wait on a decision only while it runs. The
 * lock is a transaction's, on a pool of its own: a filing holds one connection while its append
 * takes another, and on one pool enough filings at once would hold every connection their appends
 * need. A wait longer than `waitMs` (behind a filing stuck on a stalled database) refuses, never
 * queues for ever.
 *
 * A filing is judged by the clock it read on arrival, so one sent before midnight that waited
 * behind a decision is not judged late. It runs only if it holds its lock within `graceMs` of
 * arriving (the connection's and the lock's waits, and the round trips between them), and a
 * decision only once the day has been going for `graceMs` when it holds its lock: by then every
 * filing sent before midnight holds its lock already, which the decision waits for, or never will.
 */
export class PgObjectionFilings implements ObjectionFilingsPort, OnModuleDestroy {
  private readonly pool: Pool;
  private readonly log = new Logger(PgObjectionFilings.name);

  private readonly graceMs: number;

  constructor(
    databaseUrl: string,
    private readonly waitMs = 10_000,
    private readonly idleMs = 60_000,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.pool = heardPool('objection filings', { connectionString: databaseUrl, max: 8, connectionTimeoutMillis: waitMs, keepAlive: true });
    this.graceMs = 2 * waitMs + 5_000;
  }

  during<T>(programmeId: string, arrivedAt: Date, run: () => Promise<T>): Promise<T> {
    return this.holding('pg_advisory_xact_lock_shared', programmeId, () => {
      if (this.now().getTime() - arrivedAt.getTime() > this.graceMs) throw new ObjectionFilingsBusyError('late-lock');
      return run();
    });
  }

  alone<T>(programmeId: string, decide: () => Promise<T>): Promise<T> {
    return this.holding('pg_advisory_xact_lock', programmeId, () => {
      const now = this.now().getTime();
      const dayAge = now - chinaDayBegan(new Date(now)).getTime();
      if (dayAge < this.graceMs) throw new ObjectionFilingsBusyError('day-turn', Math.ceil((this.graceMs - dayAge) / 1000));
      return decide();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  private async holding<T>(lock: string, programmeId: string, run: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((e: Error) => {
      throw /timeout exceeded when trying to connect/.test(e.message) ? new ObjectionFilingsBusyError('crowd') : e;
    });
    // A checked-out client's connection error has no other listener: unheard, it ends the process.
    const lost = (e: Error) => this.log.error(`the lock connection of programme ${programmeId} failed: ${e.message}`);
    client.on('error', lost);
    try {
      await client.query('begin');
      // A holder whose host vanished would keep the lock until TCP gave up on it (hours): its
      // transaction, idle while the run works elsewhere, is ended by the database after `idleMs`.
      await client.query(`select set_config('lock_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $2, true)`, [
        `${this.waitMs}ms`,
        `${this.idleMs}ms`,
      ]);
      await client.query(`select ${lock}(hashtext($1), hashtext($2))`, [NAMESPACE, programmeId]);
    } catch (e) {
      const broken = await end(client);
      client.removeListener('error', lost);
      client.release(broken);
      throw (e as { code?: string }).code === '55P03' ? new ObjectionFilingsBusyError('decision') : e;
    }
    try {
      const done = await run();
      // The lock lives as long as this connection's transaction: if it ended under the run, what
      // ran was not kept apart. What ran has committed and stands; the operator is told.
      await client
        .query('select 1')
        .catch((e: Error) => this.log.error(`programme ${programmeId} ran without its lock (${lock}): ${e.message}`));
      return done;
    } finally {
      // Heard until it is back in the pool: the rollback's round trip can meet a dying connection too.
      const broken = await end(client);
      client.removeListener('error', lost);
      client.release(broken);
    }
  }
}

/** Rolls back; the error if that failed (the connection is then not reused). */
async function end(client: PoolClient): Promise<Error | undefined> {
  return client.query('rollback').then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
}
