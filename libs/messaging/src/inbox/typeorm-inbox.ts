import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@vanguard/contracts';
import { inboxBatchClaimSql, inboxClaimSql, inboxTableDdl, type InboxTableOptions } from './inbox.schema';
import { checkedTransaction } from './typeorm-checked-transaction';
import {
  batchClaimParams,
  CommitRolledBackError,
  runClaimed,
  SwallowedDatabaseError,
  runEffect,
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
    finish?: (tx: EntityManager) => Promise<void>,
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
        finish,
      );
      return { commit: claimed, result: outcomes };
    });
  }

  private transaction<T>(work: (manager: EntityManager, aborted: () => boolean) => Promise<{ commit: boolean; result: T }>): Promise<T> {
    return checkedTransaction(this.dataSource, work);
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
