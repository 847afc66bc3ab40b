import type { Pool, PoolClient } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import { inboxBatchClaimSql, inboxClaimSql, type InboxTableOptions } from './inbox.schema';
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

/** Inbox on plain pg: the effect gets the PoolClient of the transaction. */
export class PgInbox implements Inbox<PoolClient> {
  private readonly claimSql: string;
  private readonly batchClaimSql: string;

  constructor(
    private readonly pool: Pool,
    options: InboxTableOptions = {},
  ) {
    this.claimSql = inboxClaimSql(options);
    this.batchClaimSql = inboxBatchClaimSql(options);
  }

  async processOnce(
    consumer: string,
    event: EventEnvelope,
    origin: MessageOrigin,
    effect: (tx: PoolClient) => Promise<void>,
  ): Promise<InboxOutcome> {
    return this.transaction(async (client) => {
      // A concurrent twin blocks here on the primary key until the first commits, then finds the row.
      const claimed = await client.query(this.claimSql, [
        consumer,
        event.eventId,
        event.type,
        origin.topic,
        origin.partition,
        origin.offset,
      ]);
      if (claimed.rowCount === 0) return { commit: false, result: 'duplicate' as const };
      await runEffect(
        client,
        () => transactionAborted(client),
        { event, origin },
        0,
        (tx) => effect(tx),
      );
      return { commit: true, result: 'processed' as const };
    }).catch((e: unknown) => {
      // Alone in its transaction, the effect is what aborted it.
      throw e instanceof CommitRolledBackError ? new SwallowedDatabaseError(event.eventId, 0) : e;
    });
  }

  async processBatch(
    consumer: string,
    items: readonly InboxItem[],
    effect: (tx: PoolClient, item: InboxItem, index: number) => Promise<void>,
    finish?: (tx: PoolClient) => Promise<void>,
  ): Promise<InboxOutcome[]> {
    if (items.length === 0) return [];
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ event_id: string }>(this.batchClaimSql, batchClaimParams(consumer, items));
      const { outcomes, claimed } = await runClaimed(
        client,
        () => transactionAborted(client),
        items,
        rows.map((r) => r.event_id),
        effect,
        finish,
      );
      return { commit: claimed, result: outcomes };
    });
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<{ commit: boolean; result: T }>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { commit, result } = await work(client);
      if (!commit) {
        await client.query('rollback');
        return result;
      }
      // An aborted transaction block does not raise on COMMIT: Postgres answers it with ROLLBACK.
      const done = await client.query('commit');
      if (done.command !== 'COMMIT') throw new CommitRolledBackError();
      return result;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}
