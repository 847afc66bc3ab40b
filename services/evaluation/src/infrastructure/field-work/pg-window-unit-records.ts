import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { PostgresEventStore } from '@vanguard/event-store';
import type { CountedRecords, CountedRecordsTransaction, WindowUnitRecordsPort } from '../../application/ports/window-unit-records.port';
import type { StreamContext } from '../../application/ports/streams.port';
import { PgCountyStreamsAdapter } from '../county/pg-county-streams.adapter';

// A digest, not the sender's text: a fixed 32 bytes a row whatever the id, and the index keeps no
// copy of what a sending system chose to put in its ids.
const digest = (recordId: string): Buffer => createHash('sha256').update(recordId, 'utf8').digest();

/** `window_unit_record`, read and written on the connection of the transaction that appends the counting (ADR 0122). */
class PgCountedRecords implements CountedRecords {
  constructor(protected readonly db: PoolClient) {}

  async countedBefore(orgId: string, recordIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const byDigest = new Map(recordIds.map((id) => [digest(id).toString('hex'), id]));
    if (byDigest.size === 0) return new Map();
    const { rows } = await this.db.query<{ record_digest: Buffer; batch_id: string }>(
      `select record_digest, batch_id from window_unit_record where org_id = $1 and record_digest = any($2::bytea[])`,
      [orgId, [...byDigest.keys()].map((hex) => Buffer.from(hex, 'hex'))],
    );
    return new Map(rows.map((r) => [byDigest.get(r.record_digest.toString('hex'))!, r.batch_id]));
  }

  async remember(orgId: string, batchId: string, recordIds: readonly string[]): Promise<void> {
    if (recordIds.length === 0) return;
    // The decider counted these ids now: a row naming a batch the stream never counted gives way.
    await this.db.query(
      `insert into window_unit_record (org_id, record_digest, batch_id)
       select $1, d, $3 from unnest($2::bytea[]) as d
       on conflict (org_id, record_digest) do update set batch_id = excluded.batch_id`,
      [orgId, recordIds.map(digest), batchId],
    );
  }
}

class PgCountedRecordsTransaction extends PgCountedRecords implements CountedRecordsTransaction {
  constructor(
    db: PoolClient,
    private readonly streams: PgCountyStreamsAdapter,
  ) {
    super(db);
  }

  append(streamId: string, events: readonly { type: string; data: unknown }[], expectedVersion: number, ctx: StreamContext) {
    return this.streams.append(this.db, streamId, events, expectedVersion, ctx);
  }
}

export class PgWindowUnitRecords implements WindowUnitRecordsPort {
  private readonly streams: PgCountyStreamsAdapter;

  constructor(
    private readonly pool: Pool,
    store: PostgresEventStore,
  ) {
    // The county adapter is the store's append inside a caller's transaction, at each type's contract version.
    this.streams = new PgCountyStreamsAdapter(store);
  }

  async transaction<T>(work: (records: CountedRecordsTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const result = await work(new PgCountedRecordsTransaction(client, this.streams));
      await client.query('commit');
      return result;
    } catch (e) {
      // A connection that cannot even roll back goes back to the pool destroyed, not reused.
      await client.query('rollback').catch((r: Error) => (broken = r));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  within(tx: unknown): CountedRecords {
    return new PgCountedRecords(tx as PoolClient);
  }
}
