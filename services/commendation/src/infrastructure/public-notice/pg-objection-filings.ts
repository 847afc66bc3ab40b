import type { OnModuleDestroy } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { DomainError } from '@vanguard/kernel';
import type { ObjectionFilingsPort } from '../../application/ports/objection-filings.port';

export class ObjectionFilingsBusyError extends DomainError {
  constructor() {
    super('OBJECTIONS.BUSY', 'conflict', '异议登记繁忙，请稍后重试 / objections are being filed or decided on; try again shortly');
  }
}

const NAMESPACE = 'vanguard.commendation.objection-filings';

/**
 * Filings hold the programme's advisory lock shared, a decision takes it alone and lets go at
 * once (ADR 0113): filings never wait on each other, and a decision waits only for those in flight.
 * The locks are held on a pool of their own: a filing holds one connection while its append takes
 * another, and on one pool enough filings at once would hold every connection their appends need.
 * A lock held longer than `waitMs` (a filing stuck on a stalled database) refuses, never queues for ever.
 */
export class PgObjectionFilings implements ObjectionFilingsPort, OnModuleDestroy {
  private readonly pool: Pool;

  constructor(
    databaseUrl: string,
    private readonly waitMs = 10_000,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 8, connectionTimeoutMillis: waitMs });
  }

  during<T>(programmeId: string, file: () => Promise<T>): Promise<T> {
    return this.holding('pg_advisory_xact_lock_shared', programmeId, file);
  }

  async settled(programmeId: string): Promise<void> {
    await this.holding('pg_advisory_xact_lock', programmeId, () => Promise.resolve());
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  private async holding<T>(lock: string, programmeId: string, run: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((e: Error) => {
      throw /timeout exceeded when trying to connect/.test(e.message) ? new ObjectionFilingsBusyError() : e;
    });
    try {
      await client.query('begin');
      await client.query(`select set_config('lock_timeout', $1, true)`, [`${this.waitMs}ms`]);
      await client.query(`select ${lock}(hashtext($1), hashtext($2))`, [NAMESPACE, programmeId]);
    } catch (e) {
      client.release(await end(client));
      throw (e as { code?: string }).code === '55P03' ? new ObjectionFilingsBusyError() : e;
    }
    try {
      return await run();
    } finally {
      // Nothing was written on this connection: ending its transaction only lets go of the lock.
      client.release(await end(client));
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
