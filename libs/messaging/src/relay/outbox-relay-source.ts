import type { Pool } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import { qualifiedTable } from '../sql';
import { DEFAULT_OUTBOX_TABLE, type OutboxTableOptions } from '../outbox/outbox.schema';
import type { RelayBatch, RelaySource } from './relay-source.port';

/** The checkpoint of an outbox batch: the rows to stamp as published. */
export interface OutboxCheckpoint {
  readonly ids: readonly string[];
}

/**
 * Reads unpublished outbox rows in `id` order and stamps them `published_at` on commit.
 *
 * Tracking unpublished rows rather than a high-water id is what keeps late commits safe:
 * a transaction that took id 5 but commits after id 6 was published is still picked up.
 * Per stream, order holds because a stream's next event is written only after its previous
 * one committed (the aggregate's version check / row lock), so it has the higher id.
 * Run one relay per outbox (several would publish the same rows twice and interleave).
 */
export class OutboxRelaySource implements RelaySource<OutboxCheckpoint> {
  readonly name: string;
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    options: OutboxTableOptions & { readonly name?: string } = {},
  ) {
    this.table = qualifiedTable(options.table ?? DEFAULT_OUTBOX_TABLE, options.schema);
    this.name = options.name ?? `${options.schema ? `${options.schema}.` : ''}${options.table ?? DEFAULT_OUTBOX_TABLE}`;
  }

  async read(_after: OutboxCheckpoint | undefined, limit: number): Promise<RelayBatch<OutboxCheckpoint>> {
    const { rows } = await this.pool.query<{ id: string; topic: string; envelope: EventEnvelope }>(
      `select id, topic, envelope from ${this.table} where published_at is null order by id limit $1`,
      [limit],
    );
    return {
      records: rows.map((r) => ({ envelope: r.envelope, topic: r.topic })),
      checkpoint: { ids: rows.map((r) => r.id) },
    };
  }

  async commit(checkpoint: OutboxCheckpoint): Promise<void> {
    if (!checkpoint.ids.length) return;
    await this.pool.query(`update ${this.table} set published_at = now() where id = any($1::bigint[])`, [checkpoint.ids]);
  }

  /** Deletes rows published before `olderThan`; run it from a scheduled job to keep the table small. */
  async prune(olderThan: Date): Promise<number> {
    const r = await this.pool.query(`delete from ${this.table} where published_at < $1`, [olderThan]);
    return r.rowCount ?? 0;
  }

  /** Rows not yet on Kafka; a health check can alarm when this grows. */
  async backlog(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`select count(*) as n from ${this.table} where published_at is null`);
    return Number(rows[0]?.n ?? 0);
  }
}
