import type { Pool } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import { PgListener, START, storeChannel, type GlobalCheckpoint, type PostgresEventStore, type RecordedEvent } from '@vanguard/event-store';
import { LeaderLock } from './leader-lock';
import type { RelayBatch, RelaySource, SourceWatch } from './relay-source.port';

export interface EventStoreRelaySourceOptions {
  /** Checkpoint name in the store's `subscription_checkpoints`; default `kafka-relay`. */
  readonly name?: string;
  /** Reconnect backoff of the listening connection (`watch`); default 100 ms doubling to 5 s. */
  readonly listenerBackoff?: { readonly initialMs: number; readonly maxMs: number };
}

/**
 * Publishes an event-sourced service's store, not an outbox: the store's global log is
 * already the record of what happened, so writing it twice would only add a place for the
 * two to disagree. Reads go through `readAllPage`, which never passes an event whose
 * transaction is still open, so a late commit is never skipped; the checkpoint lives in
 * the store's own `subscription_checkpoints` table.
 *
 * Events go out exactly as stored and hashed (`raw`): personal fields stay encrypted on
 * Kafka, and consumers upcast with the contracts' versions.
 */
export class EventStoreRelaySource implements RelaySource<GlobalCheckpoint> {
  readonly name: string;
  private readonly lock: LeaderLock;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly pool: Pool,
    private readonly options: EventStoreRelaySourceOptions = {},
  ) {
    this.name = options.name ?? 'kafka-relay';
    this.lock = new LeaderLock(pool, `event-store:${store.schema}:${this.name}`);
  }

  get isLeader(): boolean {
    return this.lock.held;
  }

  async read(after: GlobalCheckpoint | undefined, limit: number): Promise<RelayBatch<GlobalCheckpoint>> {
    const client = await this.lock.acquire();
    if (!client) return { records: [], checkpoint: after ?? START };
    // After a (re)start or a change of leader, continue from what was durably committed.
    const from = after ?? (await this.lock.run(client, () => this.storedCheckpoint()));
    const batch = await this.store.readAllPage(from, limit, true);
    return {
      records: batch.events.map((e) => ({ envelope: envelopeOf(e) })),
      checkpoint: batch.checkpoint,
      ...(batch.heldBack ? { heldBack: true } : {}),
    };
  }

  /** Wakes the relay on the store's append notification (`append_events_many` notifies on commit). */
  watch(wake: () => void, onError: (error: unknown) => void): SourceWatch {
    const listener = new PgListener(this.pool, {
      channel: storeChannel(this.store.schema),
      // A standby cannot read anyway; it tries the lock on its idle pause.
      onNotification: () => (this.lock.held ? wake() : undefined),
      onListening: wake,
      onError,
      backoff: this.options.listenerBackoff,
    });
    listener.start();
    return listener;
  }

  async commit(checkpoint: GlobalCheckpoint): Promise<void> {
    const client = await this.lock.acquire();
    if (!client) throw new Error(`${this.name}: relay lock lost before commit`);
    // Never moves backwards, even if a former leader commits late.
    await this.lock.run(client, (c) =>
      c.query(
        `insert into "${this.store.schema}".subscription_checkpoints as c (subscription, transaction_id, position)
         values ($1, $2::xid8, $3)
         on conflict (subscription) do update
           set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()
           where (c.transaction_id, c.position) < (excluded.transaction_id, excluded.position)`,
        [this.name, checkpoint.transactionId, checkpoint.position],
      ),
    );
  }

  close(): Promise<void> {
    return this.lock.release();
  }

  private async storedCheckpoint(): Promise<GlobalCheckpoint> {
    const { rows } = await this.pool.query<{ transaction_id: string; position: string }>(
      `select transaction_id, position from "${this.store.schema}".subscription_checkpoints where subscription = $1`,
      [this.name],
    );
    const r = rows[0];
    return r ? { transactionId: r.transaction_id, position: Number(r.position) } : START;
  }
}

/** The published envelope: the store's own fields (position, xid, chain links) stay home. */
function envelopeOf(e: RecordedEvent): EventEnvelope {
  return {
    eventId: e.eventId,
    type: e.type,
    version: e.version,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    actor: e.actor,
    orgId: e.orgId,
    correlationId: e.correlationId,
    causationId: e.causationId,
    data: e.data,
    ...(e.metadata ? { metadata: e.metadata } : {}),
  };
}
