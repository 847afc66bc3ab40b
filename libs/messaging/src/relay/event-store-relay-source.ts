import type { Pool } from 'pg';
import type { ContractRegistry, EventEnvelope } from '@vanguard/contracts';
import {
  PgListener,
  saveCheckpointSql,
  START,
  storeChannel,
  type GlobalCheckpoint,
  type PostgresEventStore,
  type RecordedEvent,
} from '@vanguard/event-store';
import { RelayLeaderLease } from './leader-lock';
import { writeRelayDeadLetters, type RefusedRecord } from './relay-dead-letters';
import type { RelayBatch, RelayRecord, RelaySource, SourceWatch } from './relay-source.port';

export interface EventStoreRelaySourceOptions {
  /**
   * What may leave the store: each event goes out as its contract's parsed form (fields the
   * contract does not know are dropped), and an event without a contract, or that does not
   * fit it, is dead-lettered instead of published.
   */
  readonly contracts: ContractRegistry;
  /** Checkpoint name in the store's `subscription_checkpoints`; default `kafka-relay`. */
  readonly name?: string;
  /** Reconnect backoff of the listening connection (`watch`); default 100 ms doubling to 5 s. */
  readonly listenerBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Lease timeout T of the relay's lock (ADR 0015): a silent leader stops within T/2, a standby takes over after about T. Default 10 s. */
  readonly leaseTimeoutMs?: number;
  /** Every event to this one topic instead of its contract's: a bench's own, never the platform's (default unset). */
  readonly topic?: string;
}

/**
 * The stored form of a personal value (`$personal`: subject, iv, ciphertext, tag), as
 * @vanguard/event-store encrypts it. Ciphertext is still personal data: crypto-shredding only
 * works while every copy stays where the key can be destroyed, so none may reach Kafka.
 */
const ENCRYPTED_KEY = '$personal';

/**
 * Publishes an event-sourced service's store, not an outbox: the store's global log is
 * already the record of what happened, so writing it twice would only add a place for the
 * two to disagree. Reads go through `readAllPage`, which never passes an event whose
 * transaction is still open, so a late commit is never skipped; the checkpoint lives in
 * the store's own `subscription_checkpoints` table.
 *
 * What goes out is the contract's public form, as the outbox stores it: the stored event
 * parsed through its contract (topic from the contract). Personal values never go out,
 * encrypted or not: a contract field that holds one refuses the event, and so does one left
 * in `metadata` or under a field the contract leaves open.
 */
export class EventStoreRelaySource implements RelaySource<GlobalCheckpoint> {
  readonly name: string;
  private readonly lock: RelayLeaderLease;
  /** The lock tenure of the last read; a commit under another tenure could undo a newer leader's work. */
  private readUnder = -1;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly pool: Pool,
    private readonly options: EventStoreRelaySourceOptions,
  ) {
    this.name = options.name ?? 'kafka-relay';
    this.lock = new RelayLeaderLease(pool, `event-store:${store.schema}:${this.name}`, options.leaseTimeoutMs);
  }

  get isLeader(): boolean {
    return this.lock.held;
  }

  async read(after: GlobalCheckpoint | undefined, limit: number): Promise<RelayBatch<GlobalCheckpoint>> {
    if (!(await this.lock.acquire())) return { records: [], checkpoint: after ?? START, standby: true };
    // A new tenure continues from what was durably committed, never from a position held in
    // memory: another leader may have moved on while this instance stood by.
    const sameTenure = this.readUnder === this.lock.generation;
    this.readUnder = this.lock.generation;
    const from = after && sameTenure ? after : await this.storedCheckpoint();
    const batch = await this.store.readAllPage(from, limit, true);
    const records: RelayRecord[] = [];
    const refused: RefusedRecord[] = [];
    for (const e of batch.events) {
      const out = this.publicForm(envelopeOf(e));
      if ('refused' in out) refused.push(out.refused);
      else records.push(out.record);
    }
    return {
      records,
      checkpoint: batch.checkpoint,
      ...(refused.length ? { refused } : {}),
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
    if (!(await this.lock.acquire()) || this.lock.generation !== this.readUnder) {
      throw new Error(`${this.name}: relay lock lost since the read; not committing`);
    }
    // On the lock's own session, so it cannot land once the lock is gone (ADR 0015). Never
    // moves backwards, even if a former leader commits late.
    await this.lock.query(saveCheckpointSql(this.store.schema), [this.name, checkpoint.transactionId, checkpoint.position]);
  }

  /** Into `vanguard_relay_dead_letters` in the store's schema, the stored envelope with it (personal values still encrypted). */
  deadLetter(refused: readonly RefusedRecord[]): Promise<void> {
    return writeRelayDeadLetters(this.pool, this.store.schema, this.name, refused);
  }

  close(): Promise<void> {
    return this.lock.release();
  }

  private publicForm(stored: EventEnvelope): { record: RelayRecord } | { refused: RefusedRecord } {
    const valid = this.options.contracts.validate(stored);
    if (!valid.ok) {
      return { refused: { envelope: stored, reason: 'contract-violation', error: `${valid.reason}: ${valid.message}` } };
    }
    const leak = encryptedPath(valid.envelope.data, 'data') ?? encryptedPath(valid.envelope.metadata, 'metadata');
    if (leak) {
      return {
        refused: {
          envelope: stored,
          topic: valid.contract.topic,
          reason: 'personal-data',
          error: `${leak} holds an encrypted personal value; contracts publish references to people, never their data`,
        },
      };
    }
    return { record: { envelope: valid.envelope, topic: this.options.topic ?? valid.contract.topic } };
  }

  /** Read on the lock's session right after taking it: every write of the previous leader has committed by then. */
  private async storedCheckpoint(): Promise<GlobalCheckpoint> {
    const rows = await this.lock.fenced<{ transaction_id: string; position: string }>(
      (holdsLock) =>
        `select transaction_id, position from "${this.store.schema}".subscription_checkpoints where subscription = $1 and ${holdsLock}`,
      [this.name],
    );
    const r = rows[0];
    return r ? { transactionId: r.transaction_id, position: Number(r.position) } : START;
  }
}

/** Where in `v` an encrypted personal value sits (`data.contact.phone`), if anywhere. */
function encryptedPath(v: unknown, path: string): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = encryptedPath(v[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (ENCRYPTED_KEY in v) return path;
  for (const [k, x] of Object.entries(v)) {
    const found = encryptedPath(x, `${path}.${k}`);
    if (found) return found;
  }
  return undefined;
}

/** The envelope as stored: the store's own fields (position, xid, chain links) stay home. */
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
