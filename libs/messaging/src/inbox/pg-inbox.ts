import type { Pool, PoolClient } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import { inboxClaimSql, type InboxTableOptions } from './inbox.schema';
import type { Inbox, InboxOutcome, MessageOrigin } from './inbox.port';

/** Inbox on plain pg: the effect gets the PoolClient of the transaction. */
export class PgInbox implements Inbox<PoolClient> {
  private readonly claimSql: string;

  constructor(
    private readonly pool: Pool,
    options: InboxTableOptions = {},
  ) {
    this.claimSql = inboxClaimSql(options);
  }

  async processOnce(
    consumer: string,
    event: EventEnvelope,
    origin: MessageOrigin,
    effect: (tx: PoolClient) => Promise<void>,
  ): Promise<InboxOutcome> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // A concurrent twin blocks here on the primary key until the first commits, then finds the row.
      const claimed = await client.query(this.claimSql, [
        consumer,
        event.eventId,
        event.type,
        origin.topic,
        origin.partition,
        origin.offset,
      ]);
      if (claimed.rowCount === 0) {
        await client.query('rollback');
        return 'duplicate';
      }
      await effect(client);
      await client.query('commit');
      return 'processed';
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}
