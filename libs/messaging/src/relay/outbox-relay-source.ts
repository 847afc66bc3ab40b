import type { Pool } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import { PgListener } from '@vanguard/event-store';
import { qualifiedTable } from '../sql';
import { DEFAULT_OUTBOX_TABLE, ensureOutboxNotifications, outboxChannel, type OutboxTableOptions } from '../outbox/outbox.schema';
import { namedStatement, RelayLeaderLease, type NamedStatement } from './leader-lock';
import { writeRelayDeadLetters, type RefusedRecord } from './relay-dead-letters';
import type { RelayBatch, RelaySource, SourceWatch } from './relay-source.port';

export interface OutboxRelaySourceOptions extends OutboxTableOptions {
  /** For logs and metric labels; default `<schema>.<table>`. */
  readonly name?: string;
  /** Reconnect backoff of the listening connection (`watch`); default 100 ms doubling to 5 s. */
  readonly listenerBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Lease timeout T of the relay's lock (ADR 0015): a silent leader stops within T/2, a standby takes over after about T. Default 10 s. */
  readonly leaseTimeoutMs?: number;
  /**
   * Every row goes to this topic instead of the one it was written with (a test carrying the
   * rows to a topic of its own, never onto the platform's). Default: each row's own topic.
   */
  readonly topic?: string;
}

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
 *
 * Only one source per outbox table is active at a time (RelayLeaderLease keyed by the table).
 * `watch` LISTENs for the table's insert trigger, so the relay reads as soon as rows commit.
 */
export class OutboxRelaySource implements RelaySource<OutboxCheckpoint> {
  readonly name: string;
  private readonly table: string;
  /** Run at every batch on the lease's session: prepared there once. */
  private readonly statements: { readonly read: NamedStatement; readonly stamp: NamedStatement };
  private lock: RelayLeaderLease | undefined;
  private locking: Promise<RelayLeaderLease> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly options: OutboxRelaySourceOptions = {},
  ) {
    this.table = qualifiedTable(options.table ?? DEFAULT_OUTBOX_TABLE, options.schema);
    this.statements = {
      read: namedStatement('relay_read', `select id, topic, envelope from ${this.table} where published_at is null order by id limit $1`),
      stamp: namedStatement('relay_stamp', `update ${this.table} set published_at = now() where id = any($1::bigint[])`),
    };
    this.name = options.name ?? `${options.schema ? `${options.schema}.` : ''}${options.table ?? DEFAULT_OUTBOX_TABLE}`;
  }

  /** Whether this instance holds the outbox's relay lock. */
  get isLeader(): boolean {
    return this.lock?.held ?? false;
  }

  /**
   * The lease is keyed by the schema-qualified table. Without a schema in the options the table
   * is found through the pool's search_path, so the key names the schema that resolves to: keyed
   * by the bare table name, every unqualified outbox relay in the database shared one lock, and
   * all but one stood by (it happened in the shared test database).
   */
  private lease(): Promise<RelayLeaderLease> {
    this.locking ??= (async () => {
      const schema =
        this.options.schema ?? (await this.pool.query<{ schema: string }>('select current_schema() as schema')).rows[0]?.schema;
      this.lock = new RelayLeaderLease(
        this.pool,
        `outbox:${qualifiedTable(this.options.table ?? DEFAULT_OUTBOX_TABLE, schema)}`,
        this.options.leaseTimeoutMs,
      );
      return this.lock;
    })().catch((e: unknown) => {
      this.locking = undefined;
      throw e;
    });
    return this.locking;
  }

  async read(_after: OutboxCheckpoint | undefined, limit: number): Promise<RelayBatch<OutboxCheckpoint>> {
    const lock = await this.lease();
    if (!(await lock.acquire())) return { records: [], checkpoint: { ids: [] }, standby: true };
    const rows = await lock.query<{ id: string; topic: string; envelope: EventEnvelope }>(this.statements.read, [limit]);
    return {
      records: rows.map((r) => ({ envelope: r.envelope, topic: this.options.topic ?? r.topic })),
      checkpoint: { ids: rows.map((r) => r.id) },
    };
  }

  async commit(checkpoint: OutboxCheckpoint): Promise<void> {
    if (!checkpoint.ids.length) return;
    // Lost the lock since reading? Then stamp nothing: the new holder republishes (a duplicate, never a loss).
    // On the lock's own session (ADR 0015): refused once the lock is no longer trusted.
    const lock = this.lock;
    if (!lock?.held) throw new Error(`${this.name}: relay lock lost before commit`);
    await lock.query(this.statements.stamp, [checkpoint.ids]);
  }

  /** Into `vanguard_relay_dead_letters` beside the outbox; the rows are stamped by the commit that follows. */
  deadLetter(refused: readonly RefusedRecord[]): Promise<void> {
    return writeRelayDeadLetters(this.pool, this.options.schema, this.name, refused);
  }

  async close(): Promise<void> {
    // A first read may still be naming the lease.
    await this.locking?.catch(() => undefined);
    await this.lock?.release();
  }

  watch(wake: () => void, onError: (error: unknown) => void): SourceWatch {
    const table = { schema: this.options.schema, table: this.options.table };
    const listener = new PgListener(this.pool, {
      channel: async (client) => {
        try {
          await ensureOutboxNotifications(client, table);
        } catch (e) {
          // Not fatal: without the trigger the relay still finds rows, one idle pause later.
          onError(new Error(`${this.name}: could not add the outbox notify trigger, relying on polling`, { cause: e }));
        }
        return outboxChannel(client, table);
      },
      // A standby cannot read anyway; it tries the lock on its idle pause.
      onNotification: () => (this.lock?.held ? wake() : undefined),
      onListening: wake,
      onError,
      backoff: this.options.listenerBackoff,
    });
    listener.start();
    return listener;
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
