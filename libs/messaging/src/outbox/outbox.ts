import type { ContractRegistry, EventEnvelope } from '@vanguard/contracts';
import { qualifiedTable, type SqlExecutor } from '../sql';
import { DEFAULT_OUTBOX_TABLE, type OutboxTableOptions } from './outbox.schema';

export interface OutboxOptions extends OutboxTableOptions {
  /** Producers validate before writing: an envelope its contract rejects is never stored. */
  readonly contracts: ContractRegistry;
}

/** Shared by the pg and TypeORM outboxes: validate against the contract, insert its parsed form. */
export class OutboxWriter {
  private readonly sql: string;

  constructor(private readonly options: OutboxOptions) {
    const t = qualifiedTable(options.table ?? DEFAULT_OUTBOX_TABLE, options.schema);
    this.sql = `insert into ${t} (event_id, event_type, event_version, stream_id, topic, envelope) values ($1, $2, $3, $4, $5, $6)`;
  }

  async write(db: SqlExecutor, events: readonly EventEnvelope[]): Promise<void> {
    // Validate every event before writing any, and store the contract's output, never the
    // candidate: a field the contract does not know (zod strips it) must not reach Kafka.
    const valid = events.map((candidate) => this.options.contracts.assertValid(candidate));
    for (const { envelope, contract } of valid) {
      await db.query(this.sql, [
        envelope.eventId,
        envelope.type,
        envelope.version,
        envelope.streamId,
        contract.topic,
        JSON.stringify(envelope),
      ]);
    }
  }
}

/** Plain-pg outbox: `add(client, ...events)` with a client inside the caller's `begin … commit`. */
export class PgOutbox {
  private readonly writer: OutboxWriter;

  constructor(options: OutboxOptions) {
    this.writer = new OutboxWriter(options);
  }

  /**
   * Writes the events in the caller's transaction. Pass the PoolClient that ran `begin`,
   * never a Pool: a Pool would commit the events on their own (the dual write we avoid).
   */
  async add(client: SqlExecutor, ...events: EventEnvelope[]): Promise<void> {
    if (typeof (client as { connect?: unknown }).connect === 'function' && 'totalCount' in (client as object)) {
      throw new Error('PgOutbox.add needs the transaction’s PoolClient, not a Pool');
    }
    await this.writer.write(client, events);
  }
}
