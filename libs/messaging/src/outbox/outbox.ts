import type { ContractRegistry, EventEnvelope } from '@vanguard/contracts';
import { qualifiedTable, type SqlExecutor } from '../sql';
import { DEFAULT_OUTBOX_TABLE, type OutboxTableOptions } from './outbox.schema';

export interface OutboxOptions extends OutboxTableOptions {
  /** Producers validate before writing: an envelope its contract rejects is never stored. */
  readonly contracts: ContractRegistry;
  /**
   * A table of stream counters, `(stream_id text primary key, version integer not null)`, in
   * `schema` when given. Named, `write` numbers each event on its stream in the outbox row's
   * own statement: the counter's upsert (its row locked until commit, so a stream's versions
   * never clash) and the row, the envelope's `streamVersion` replaced by the counter's — one
   * round trip per event, not two. The caller's `streamVersion` only has to pass the contract
   * (≥ 0); the counter starts at 1. `writeBatch` keeps the envelopes' own versions.
   */
  readonly streamVersions?: string;
}

/** Shared by the pg and TypeORM outboxes: validate against the contract, insert its parsed form. */
export class OutboxWriter {
  private readonly sql: string;
  private readonly batchSql: string;

  constructor(private readonly options: OutboxOptions) {
    const t = qualifiedTable(options.table ?? DEFAULT_OUTBOX_TABLE, options.schema);
    this.sql = options.streamVersions
      ? `with v as (insert into ${qualifiedTable(options.streamVersions, options.schema)} as s (stream_id, version) values ($4, 1) ` +
        `on conflict (stream_id) do update set version = s.version + 1 returning version) ` +
        `insert into ${t} (event_id, event_type, event_version, stream_id, topic, envelope) ` +
        `select $1, $2, $3, $4, $5, jsonb_set($6::jsonb, '{streamVersion}', to_jsonb(v.version)) from v`
      : `insert into ${t} (event_id, event_type, event_version, stream_id, topic, envelope) values ($1, $2, $3, $4, $5, $6)`;
    // Row order = id order = publish order: `with ordinality` keeps the array order.
    this.batchSql =
      `insert into ${t} (event_id, event_type, event_version, stream_id, topic, envelope) ` +
      `select e.event_id, e.event_type, e.event_version, e.stream_id, e.topic, e.envelope from unnest($1::uuid[], $2::text[], ` +
      `$3::int[], $4::text[], $5::text[], $6::jsonb[]) with ordinality as e(event_id, event_type, event_version, stream_id, topic, envelope, n) order by e.n`;
  }

  /**
   * Many events in one statement (a consumer answering a batch of thousands of messages), each
   * validated like `write`. `topics[i]`, when given, overrides event i's contract topic: the
   * county replies, whose contract names one topic per county (`vanguard.county.replies.{clientId}.v1`).
   */
  async writeBatch(db: SqlExecutor, events: readonly EventEnvelope[], topics?: readonly string[]): Promise<void> {
    if (events.length === 0) return;
    const valid = events.map((candidate) => this.options.contracts.assertValid(candidate));
    const to = valid.map(({ contract }, i) => topics?.[i] ?? contract.topic);
    if (to.some((t) => t.includes('{'))) throw new Error('outbox: a parameterised topic needs the real topic name in `topics`');
    await db.query(this.batchSql, [
      valid.map((v) => v.envelope.eventId),
      valid.map((v) => v.envelope.type),
      valid.map((v) => v.envelope.version),
      valid.map((v) => v.envelope.streamId),
      to,
      valid.map((v) => JSON.stringify(v.envelope)),
    ]);
  }

  async write(db: SqlExecutor, events: readonly EventEnvelope[]): Promise<void> {
    // Validate every event before writing any, and store the contract's output, never the
    // candidate: a field the contract does not know (zod strips it) must not reach Kafka.
    const valid = events.map((candidate) => this.options.contracts.assertValid(candidate));
    for (const { envelope, contract } of valid) {
      if (contract.topic.includes('{')) throw new Error(`outbox: ${contract.type} has a parameterised topic; use writeBatch with topicOf`);
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
   * Refused unless the client is inside an open transaction block: a PoolClient that never ran
   * `begin` (or already committed) would commit each event on its own just as a Pool does.
   */
  async add(client: SqlExecutor, ...events: EventEnvelope[]): Promise<void> {
    if (typeof (client as { connect?: unknown }).connect === 'function' && 'totalCount' in (client as object)) {
      throw new Error('PgOutbox.add needs the transaction’s PoolClient, not a Pool');
    }
    // pg's status from the last ReadyForQuery, settled before `begin` resolves: T = in a transaction block.
    const status = (client as { getTransactionStatus?: () => string | null }).getTransactionStatus?.();
    if (status !== 'T') {
      throw new Error(
        status === 'E'
          ? 'PgOutbox.add: the transaction is aborted (a statement in it failed); roll it back'
          : status === 'I'
            ? 'PgOutbox.add must run inside a transaction: run `begin` on this client first (else each event commits on its own)'
            : 'PgOutbox.add needs a pg PoolClient inside `begin … commit` (this client cannot tell whether it is in a transaction)',
      );
    }
    await this.writer.write(client, events);
  }
}
