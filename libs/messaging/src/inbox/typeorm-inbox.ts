import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@vanguard/contracts';
import { inboxBatchClaimSql, inboxClaimSql, inboxTableDdl, type InboxTableOptions } from './inbox.schema';
import {
  batchClaimParams,
  CommitRolledBackError,
  runClaimed,
  SwallowedDatabaseError,
  runEffect,
  transactionAborted,
  type Inbox,
  type InboxItem,
  type InboxOutcome,
  type MessageOrigin,
} from './inbox.port';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Inbox for TypeORM services: the effect gets the transaction's EntityManager. */
export class TypeOrmInbox implements Inbox<EntityManager> {
  private readonly claimSql: string;
  private readonly batchClaimSql: string;

  constructor(
    private readonly dataSource: DataSource,
    options: InboxTableOptions = {},
  ) {
    this.claimSql = inboxClaimSql(options);
    this.batchClaimSql = inboxBatchClaimSql(options);
  }

  processOnce(
    consumer: string,
    event: EventEnvelope,
    origin: MessageOrigin,
    effect: (tx: EntityManager) => Promise<void>,
  ): Promise<InboxOutcome> {
    return this.transaction(async (manager, aborted) => {
      const rows = await manager.query<unknown[]>(this.claimSql, [
        consumer,
        event.eventId,
        event.type,
        origin.topic,
        origin.partition,
        origin.offset,
      ]);
      if (rows.length === 0) return { commit: false, result: 'duplicate' as const };
      await runEffect(manager, aborted, { event, origin }, 0, (tx) => effect(tx));
      return { commit: true, result: 'processed' as const };
    }).catch((e: unknown) => {
      // Alone in its transaction, the effect is what aborted it.
      throw e instanceof CommitRolledBackError ? new SwallowedDatabaseError(event.eventId, 0) : e;
    });
  }

  async processBatch(
    consumer: string,
    items: readonly InboxItem[],
    effect: (tx: EntityManager, item: InboxItem, index: number) => Promise<void>,
  ): Promise<InboxOutcome[]> {
    if (items.length === 0) return [];
    return this.transaction(async (manager, aborted) => {
      const rows = await manager.query<{ event_id: string }[]>(this.batchClaimSql, batchClaimParams(consumer, items));
      const { outcomes, claimed } = await runClaimed(
        manager,
        aborted,
        items,
        rows.map((r) => r.event_id),
        effect,
      );
      return { commit: claimed, result: outcomes };
    });
  }

  /**
   * Like `dataSource.transaction`, which commits without looking at the answer: Postgres
   * answers COMMIT of an aborted transaction block with ROLLBACK and raises nothing, and
   * TypeORM's query runner does not pass that answer on. So the runner asks first: one
   * statement before COMMIT fails (25P02) exactly when COMMIT would roll back, and then the
   * transaction is rolled back and reported instead.
   */
  private async transaction<T>(
    work: (manager: EntityManager, aborted: () => boolean) => Promise<{ commit: boolean; result: T }>,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const connection = (await runner.connect()) as { getTransactionStatus?(): string | null };
      const aborted = () => transactionAborted(connection);
      await runner.startTransaction();
      try {
        const { commit, result } = await work(runner.manager, aborted);
        if (!commit) {
          await runner.rollbackTransaction();
          return result;
        }
        if (await commitWouldRollBack(runner, aborted)) throw new CommitRolledBackError();
        await runner.commitTransaction();
        return result;
      } catch (e) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        // A later statement met the abort an earlier handler swallowed before the connection's
        // status showed it: the batch would have rolled back all the same.
        if ((e as { driverError?: { code?: string } }).driverError?.code === '25P02') throw new CommitRolledBackError();
        throw e;
      }
    } finally {
      await runner.release();
    }
  }
}

/**
 * Whether the transaction is aborted, so that COMMIT would answer ROLLBACK. The status the
 * connection last saw can lag: pg settles a failed query on the error, before the server's
 * ReadyForQuery with the new status arrives. A statement's own answer cannot lag.
 */
async function commitWouldRollBack(runner: QueryRunner, aborted: () => boolean): Promise<boolean> {
  if (aborted()) return true;
  try {
    await runner.query('select 1');
    return false;
  } catch (e) {
    if ((e as { driverError?: { code?: string } }).driverError?.code === '25P02') return true;
    throw e;
  }
}

/** A TypeORM migration class creating the inbox table. */
export function inboxMigration(timestamp: number, options: InboxTableOptions = {}): new () => MigrationInterface {
  // TypeORM orders migrations by a JavaScript timestamp (ms, 13 digits) at the end of the name.
  if (!/^\d{13}$/.test(String(timestamp))) throw new Error(`migration timestamp must be Date.now()-style, got ${timestamp}`);
  const name = `VanguardInbox${timestamp}`;
  return class InboxMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of inboxTableDdl(options)) await q.query(sql);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`drop table if exists ${options.schema ? `"${options.schema}".` : ''}"${options.table ?? 'vanguard_inbox'}"`);
    }
  };
}
