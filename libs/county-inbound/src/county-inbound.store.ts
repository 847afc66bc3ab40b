import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { checkedTransaction, transactionAborted } from '@vanguard/messaging';

export type Rows = Record<string, unknown>[];
/** A statement in the gate's transaction; resolves the rows (RETURNING or SELECT). */
export type CountyQuery = (sql: string, params?: unknown[]) => Promise<Rows>;

/**
 * The owning service's database, as the gate needs it: one transaction per batch, in which
 * the gate writes its own rows and replies and the handler gets `tx` (the service's own
 * transaction handle: a pg PoolClient, a TypeORM EntityManager).
 */
export interface CountyInboundStore<TTx> {
  /** Runs `work` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: TTx, query: CountyQuery) => Promise<T>): Promise<T>;
}

/** Plain pg (evaluation): `tx` is the PoolClient that ran BEGIN. */
export class PgCountyInboundStore implements CountyInboundStore<PoolClient> {
  constructor(private readonly pool: Pool) {}

  async transaction<T>(work: (tx: PoolClient, query: CountyQuery) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(client, async (sql, params) => (await client.query(sql, params)).rows as Rows);
      // A handler that caught a database error leaves the transaction aborted: COMMIT would roll back silently.
      if (transactionAborted(client)) throw new Error('the county batch transaction was aborted by a swallowed database error');
      const commit = await client.query('commit');
      if (commit.command === 'ROLLBACK') throw new Error('the county batch transaction rolled back at COMMIT');
      return result;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}

/**
 * TypeORM (organization, assistance): `tx` is the transaction's EntityManager. The transaction
 * is libs/messaging's `checkedTransaction`, not `dataSource.transaction`, which commits without
 * reading the answer: a handler that caught a database error would have had its batch reported
 * applied while COMMIT rolled it back (CommitRolledBackError instead, and the chunk is retried).
 */
export class TypeOrmCountyInboundStore implements CountyInboundStore<EntityManager> {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager, query: CountyQuery) => Promise<T>): Promise<T> {
    return checkedTransaction(this.dataSource, async (manager) => ({
      commit: true,
      result: await work(manager, async (sql, params) => rowsOf(await manager.query(sql, params))),
    }));
  }
}

/** TypeORM answers UPDATE … RETURNING with [rows, count]; everything else with rows. */
function rowsOf(result: unknown): Rows {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as Rows;
  return Array.isArray(result) ? (result as Rows) : [];
}
