import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { kekRingFromEnv, type KekRing } from '@vanguard/keys';
import { toIso } from './append-request';
import { appendTogether, appendTogetherOn, type StreamAppend, type StreamLocks, type StreamRead } from './append-together';
import { Appender, type AppendOptions } from './appender';
import { InvalidEventError } from './errors';
import { EventRows } from './event-rows';
import type { ForgetLedger } from './forget-ledger';
import type { GroupCommitOptions } from './group-commit';
import type { SubjectKey } from './personal-data';
import { PersonalKeys } from './personal-keys';
import { assertIdentifier } from './schema';
import { SnapshotStore, type FoldResult } from './snapshot-store';
import { snapshotDue } from './snapshots';
import { statements, type EventRow } from './store-statements';
import { parseStreamId } from './stream-id';
import { Subscription, type SubscriptionOptions } from './subscription';
import {
  START,
  type AppendResult,
  type AsOf,
  type Clock,
  type EventBatch,
  type Fold,
  type Folded,
  type GlobalCheckpoint,
  type IdGenerator,
  type NewEvent,
  type RecordedEvent,
  type SnapshotPolicy,
  type VerificationReport,
  type VerifyScope,
} from './types';
import { Upcasters, type Upcaster } from './upcasters';
import { StoreVerifier, type VerifyOptions } from './verify';

export type { AppendOptions } from './appender';
export type { VerifyOptions } from './verify';

/** Events read per round trip of a fold: enough to amortise the trip, few enough to bound memory. */
const FOLD_PAGE = 1000;

export interface EventStoreOptions {
  /** The service's own schema, created by `migrate`. */
  readonly schema: string;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly upcasters?: readonly Upcaster[];
  /**
   * Appends made without a caller's transaction share commits when they queue up (see
   * GroupCommitter); `false` writes each in its own transaction. Default on.
   */
  readonly groupCommit?: GroupCommitOptions | false;
  /** The operator's key-encryption keys, which wrap the per-subject keys; from VANGUARD_KEK(_PREVIOUS) when absent. */
  readonly keys?: KekRing;
  /**
   * 'withheld' for roles that may not read subject keys (auditors): personal values are
   * returned as stored (`{ $personal: ciphertext }`) and snapshots are neither read nor written.
   */
  readonly personalData?: 'decrypt' | 'withheld';
  /**
   * Records every `forget` outside the database before it happens (`fileForgetLedger(path)`):
   * a restored backup brings forgotten keys back, and `reapplyForgets` over this ledger undoes that.
   */
  readonly forgetLedger?: ForgetLedger;
}

export interface ReadStreamOptions {
  readonly direction?: 'forward' | 'backward';
  /** Forward: first version returned (default 1); backward: highest version returned (default the head). */
  readonly fromVersion?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Resume after this checkpoint (exclusive); START by default. */
  readonly after?: GlobalCheckpoint;
  readonly batchSize?: number;
  /** Skip decryption and upcasting: the rows exactly as stored and hashed. */
  readonly raw?: boolean;
}

export interface FoldOptions {
  readonly snapshot?: SnapshotPolicy;
}

/**
 * A Postgres event store for one service schema: appends with optimistic concurrency and a
 * per-stream hash chain, reads in a global order that never skips a late commit, folds as
 * of any instant, verifies the chain, and forgets people by destroying their keys.
 */
export class PostgresEventStore {
  readonly schema: string;
  private readonly s: string;
  private readonly clock: Clock;
  private readonly sql: ReturnType<typeof statements>;
  private readonly rows: EventRows;
  private readonly snapshots: SnapshotStore | null;
  private readonly appender: Appender;
  private readonly personalKeys: PersonalKeys | null;
  private readonly forgetLedger: ForgetLedger | null;

  constructor(
    /** The pool it reads and writes through; read models kept beside the store use it too. */
    readonly pool: Pool,
    options: EventStoreOptions,
  ) {
    this.schema = assertIdentifier(options.schema, 'schema');
    this.s = `"${this.schema}"`;
    this.clock = options.clock ?? { now: () => new Date() };
    this.sql = statements(this.schema);
    const ring = options.keys ?? kekRingFromEnv();
    this.personalKeys = options.personalData === 'withheld' ? null : new PersonalKeys(this.s, ring);
    this.rows = new EventRows(pool, this.personalKeys, new Upcasters(options.upcasters));
    this.snapshots = this.personalKeys ? new SnapshotStore(pool, this.s, this.personalKeys, ring.active) : null;
    this.forgetLedger = options.forgetLedger ?? null;
    this.appender = new Appender(pool, this.schema, this.sql, this.personalKeys, {
      clock: this.clock,
      ids: options.ids ?? randomUUID,
      groupCommit: options.groupCommit,
    });
  }

  // ---------------------------------------------------------------- append

  /** Appends with optimistic concurrency and the hash chain; see Appender. */
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.appender.append(streamId, events, options);
  }

  /**
   * Appends to several streams atomically, each expecting its version: all commit or none
   * does (see appendTogether). Results in the order given.
   */
  appendTogether(appends: readonly StreamAppend[], reads: readonly StreamRead[] = []): Promise<AppendResult[]> {
    return appendTogether(this.pool, (id, events, options) => this.appender.append(id, events, options), appends, reads, this.locks);
  }

  /** `appendTogether` in the caller's transaction on `client`, which commits it or rolls it back (see appendTogetherOn). */
  appendTogetherOn(client: PoolClient, appends: readonly StreamAppend[], reads: readonly StreamRead[] = []): Promise<AppendResult[]> {
    return appendTogetherOn(client, (id, events, options) => this.appender.append(id, events, options), appends, reads, this.locks);
  }

  /** The per-stream locks appendTogether takes up front (the append functions take the same). */
  private readonly locks: StreamLocks = {
    lock: async (client, streamId, exclusive) => {
      parseStreamId(streamId);
      await client.query({ ...(exclusive ? this.sql.lockStream : this.sql.holdStream), values: [streamId] });
    },
    versions: async (client, streamIds) => {
      const { rows } = await client.query<{ stream_id: string; version: string }>({ ...this.sql.streamVersions, values: [streamIds] });
      return new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
    },
  };

  // ---------------------------------------------------------------- reads

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    parseStreamId(streamId);
    const backward = options.direction === 'backward';
    const from = options.fromVersion ?? (backward ? Number.MAX_SAFE_INTEGER : 1);
    const limit = options.maxCount ?? null;
    const { rows } = await this.pool.query<EventRow>({
      name: backward ? this.sql.readBackward.name : this.sql.readForward.name,
      text: backward ? this.sql.readBackward.text : this.sql.readForward.text,
      values: [streamId, from, limit],
    });
    return this.rows.toEvents(rows, false);
  }

  /** The stream's current version (0: no stream). */
  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: string }>(`select version from ${this.s}.streams where stream_id = $1`, [streamId]);
    return rows.length === 0 ? 0 : Number(rows[0]!.version);
  }

  /**
   * All events after a checkpoint, in batches, in (transactionId, position) order, only below
   * the oldest running transaction: an event that commits later can never be skipped. Ends at
   * the current safe head. One page in memory at a time.
   */
  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<EventBatch> {
    const batchSize = options.batchSize ?? 1000;
    const raw = options.raw ?? false;
    let pending: Promise<EventBatch> | null = this.readAllPage(options.after ?? START, batchSize, raw);
    try {
      while (pending) {
        const batch: EventBatch = await pending;
        pending = null;
        if (batch.events.length === 0) return;
        // Fetch the next page while the caller works on this one; at most two pages in memory.
        if (batch.events.length === batchSize) pending = this.readAllPage(batch.checkpoint, batchSize, raw);
        yield batch;
      }
    } finally {
      // A caller that stops early must not leave a rejected page unobserved.
      await pending?.catch(() => undefined);
    }
  }

  /** One page of `readAll`; the building block of subscriptions. */
  async readAllPage(after: GlobalCheckpoint, batchSize: number, raw = false): Promise<EventBatch> {
    const { rows } = await this.pool.query<EventRow>({
      name: this.sql.readAll.name,
      text: this.sql.readAll.text,
      values: [after.transactionId, after.position, batchSize],
    });
    const events = await this.rows.toEvents(rows, raw);
    const last = events[events.length - 1];
    if (last) return { events, checkpoint: { transactionId: last.transactionId, position: last.position } };
    // Only on an empty page: a notification can wake a reader while an older transaction
    // (anywhere in the cluster) still holds the snapshot's xmin below the new events.
    const held = await this.pool.query<{ held_back: boolean }>({
      name: this.sql.heldBack.name,
      text: this.sql.heldBack.text,
      values: [after.transactionId, after.position],
    });
    return { events, checkpoint: after, heldBack: held.rows[0]?.held_back === true };
  }

  // ---------------------------------------------------------------- folds

  /** Current state of a stream; with a snapshot policy, starts from and refreshes the snapshot. */
  async aggregateStream<S>(streamId: string, fold: Fold<S>, options: FoldOptions = {}): Promise<Folded<S>> {
    const snapshot = this.snapshots ? options.snapshot : undefined;
    const result = await this.foldStream(streamId, fold, Number.MAX_SAFE_INTEGER, null, snapshot);
    if (snapshot && this.snapshots && snapshotDue(snapshot.every, result.fromVersion, result.version)) {
      // A snapshot is a cache: failing to keep one costs the next load time, never this caller its answer.
      await this.snapshots
        .save(streamId, snapshot.foldVersion, result)
        .catch((e: unknown) =>
          process.emitWarning(`snapshot of ${streamId} not kept: ${e instanceof Error ? e.message : String(e)}`, 'VanguardSnapshot'),
        );
    }
    return { state: result.state, version: result.version };
  }

  /**
   * The stream's state as of an instant (the events recorded at or before it, stopping at the
   * first one recorded after it) or as of a version, folded with the caller's reducers.
   */
  async asOf<S>(streamId: string, fold: Fold<S>, at: AsOf, options: FoldOptions = {}): Promise<Folded<S>> {
    const snapshot = this.snapshots ? options.snapshot : undefined;
    const r =
      'version' in at
        ? await this.foldStream(streamId, fold, at.version, null, snapshot)
        : await this.foldStream(streamId, fold, Number.MAX_SAFE_INTEGER, toIso(at.recordedAt), snapshot);
    return { state: r.state, version: r.version };
  }

  private async foldStream<S>(
    streamId: string,
    fold: Fold<S>,
    maxVersion: number,
    recordedAtOrBefore: string | null,
    snapshot: SnapshotPolicy | undefined,
  ): Promise<FoldResult<S>> {
    parseStreamId(streamId);
    let state = fold.initialState();
    let version = 0;
    let maxRecordedAt = '';
    // The key of every subject whose values went into the state (null: already forgotten,
    // so only `$forgotten` went in): a snapshot of the state is sealed under them.
    const used = new Map<string, SubjectKey | null>();
    if (snapshot && this.snapshots) {
      const from = await this.snapshots.load<S>(streamId, snapshot.foldVersion, maxVersion, recordedAtOrBefore, used);
      if (from) ({ state, version, maxRecordedAt } = from);
    }
    const fromVersion = version;
    const upTo = recordedAtOrBefore === null ? maxVersion : Math.min(maxVersion, await this.lastVersionAt(streamId, recordedAtOrBefore));
    let folded = 0;
    // A page at a time, so that folding a long stream holds one page of events, not all of them.
    for (;;) {
      const { rows } = await this.pool.query<EventRow>({
        name: this.sql.foldPage.name,
        text: this.sql.foldPage.text,
        values: [streamId, version, upTo, FOLD_PAGE],
      });
      for (const e of await this.rows.toEvents(rows, false, used)) {
        state = fold.evolve(state, e);
        version = e.streamVersion;
        if (e.recordedAt > maxRecordedAt) maxRecordedAt = e.recordedAt;
      }
      folded += rows.length;
      if (rows.length < FOLD_PAGE) break;
    }
    return { state, version, fromVersion, folded, maxRecordedAt, used };
  }

  /**
   * The last version of the stream as of an instant: the one before the first event recorded
   * after it (recorded times need not rise with versions; the fold stops at the first later one).
   */
  private async lastVersionAt(streamId: string, recordedAtOrBefore: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: string | null }>({
      name: this.sql.lastVersionAt.name,
      text: this.sql.lastVersionAt.text,
      values: [streamId, recordedAtOrBefore],
    });
    return rows[0]?.version == null ? Number.MAX_SAFE_INTEGER : Number(rows[0].version);
  }

  // ---------------------------------------------------------------- verification

  /** Checks chains, heads, columns and the global order; see StoreVerifier. */
  async verify(scope: VerifyScope = {}, options: VerifyOptions = {}): Promise<VerificationReport> {
    return new StoreVerifier(this.pool, this.schema).verify(scope, options);
  }

  // ---------------------------------------------------------------- personal data

  /**
   * Forgets a person: destroys their key, so their encrypted values read back as
   * `{ $forgotten: subjectId }` while the hash chain (over the ciphertext) still verifies.
   * Snapshots that folded the subject's values are dropped with the key (and unreadable
   * without it anyway). Run VACUUM on personal_keys afterwards so the old wrapped key leaves
   * the table's pages.
   */
  async forget(subjectId: string): Promise<boolean> {
    if (!this.personalKeys) throw new InvalidEventError('forget: this store withholds personal data');
    const at = this.clock.now();
    // Recorded first: an entry for a forget that then failed only forgets that person again on a restore.
    await this.forgetLedger?.({ schema: this.schema, subjectId, at });
    return this.personalKeys.forget(this.pool, subjectId, at);
  }

  // ---------------------------------------------------------------- subscriptions

  /** Starts a checkpointed, at-least-once subscription to all events; see Subscription. */
  subscribe(options: SubscriptionOptions): Subscription {
    const sub = new Subscription(this, this.pool, this.schema, options);
    sub.start();
    return sub;
  }
}
