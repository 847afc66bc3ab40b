import { randomUUID } from 'node:crypto';
import type { ClientBase, Pool } from 'pg';
import { ConcurrencyError, DuplicateEventError, InvalidEventError, StaleTransactionError, type ExpectedVersion } from './errors';
import { failureKind, GroupCommitter, type AppendOutcome, type AppendRequest, type GroupCommitOptions } from './group-commit';
import { joinTexts, postgresGroupStore } from './group-writes';
import { canonicalPartsFor } from './hash-chain';
import { kekRingFromEnv, type KekRing } from '@vanguard/keys';
import {
  decryptPersonal,
  encryptedSubjects,
  encryptPersonal,
  ENCRYPTED_KEY,
  hasPersonal,
  personalSubjects,
  type SubjectKey,
} from './personal-data';
import { KEY_COLUMNS, PersonalKeys, type KeyRow } from './personal-keys';
import { assertIdentifier, CONCURRENCY_SQLSTATE, STALE_TRANSACTION_SQLSTATE } from './schema';
import type { ForgetLedger } from './forget-ledger';
import { openState, sealState, snapshotDue, snapshotUsable, type SealedState } from './snapshots';
import { parseStreamId } from './stream-id';
import { Subscription, type SubscriptionOptions } from './subscription';
import {
  START,
  type AppendContext,
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

export type { VerifyOptions } from './verify';

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

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
  readonly context: AppendContext;
  /** Append inside the caller's transaction (e.g. together with an outbox row). */
  readonly client?: ClientBase;
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
/** Events are read from the hashed text itself, so a reader sees exactly what the chain covers. */
const COLUMNS = 'position, transaction_id, canonical, prev_hash, hash';

interface EventRow {
  position: string;
  transaction_id: string;
  canonical: string;
  prev_hash: string;
  hash: string;
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
  private readonly ids: IdGenerator;
  private readonly upcasters: Upcasters;
  private readonly sql: ReturnType<typeof statements>;
  private readonly committer: GroupCommitter | null;
  private readonly personalKeys: PersonalKeys | null;
  private readonly forgetLedger: ForgetLedger | null;

  constructor(
    private readonly pool: Pool,
    options: EventStoreOptions,
  ) {
    this.schema = assertIdentifier(options.schema, 'schema');
    this.s = `"${this.schema}"`;
    this.clock = options.clock ?? { now: () => new Date() };
    this.ids = options.ids ?? randomUUID;
    this.upcasters = new Upcasters(options.upcasters);
    this.sql = statements(this.schema);
    this.personalKeys = options.personalData === 'withheld' ? null : new PersonalKeys(this.s, options.keys ?? kekRingFromEnv());
    this.forgetLedger = options.forgetLedger ?? null;
    this.committer =
      options.groupCommit === false
        ? null
        : new GroupCommitter(postgresGroupStore(pool, this.schema, this.sql.appendMany), options.groupCommit);
  }

  // ---------------------------------------------------------------- append

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const { category } = parseStreamId(streamId);
    if (events.length === 0) throw new InvalidEventError('append: no events');
    const expected = expectedToSql(options.expectedVersion);
    const ctx = options.context;
    if (!ctx?.actor?.sub || !ctx.orgId || !ctx.correlationId) {
      throw new InvalidEventError('append: context needs actor.sub, orgId and correlationId');
    }
    // The actor is who answers for the event: it must stay readable after anyone is forgotten.
    if (hasPersonal(ctx))
      throw new InvalidEventError('append: personal() values may not be in the context (actor, orgId, ids); put them in data');
    const db = options.client ?? this.pool;
    const keys = await this.keysForPersonalData(events, db);
    const recordedAt = this.clock.now().toISOString();
    const heads = new Array<string>(events.length);
    const tails = new Array<string>(events.length);
    const eventIds = new Array<string>(events.length);
    const partsOf = canonicalPartsFor({
      actor: ctx.actor,
      causationId: ctx.causationId ?? null,
      correlationId: ctx.correlationId,
      orgId: ctx.orgId,
      recordedAt,
      streamId,
    });
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (typeof e.type !== 'string' || e.type.length === 0) throw new InvalidEventError(`append: event ${i} has no type`);
      const version = e.version ?? 1;
      if (!Number.isInteger(version) || version < 1) throw new InvalidEventError(`append: ${e.type} version must be a positive integer`);
      const eventId = (e.eventId ?? this.ids()).toLowerCase();
      if (!UUID.test(eventId)) throw new InvalidEventError(`append: eventId ${eventId} is not a uuid`);
      eventIds[i] = eventId;
      const parts = partsOf({
        eventId,
        type: e.type,
        version,
        occurredAt: e.occurredAt === undefined ? recordedAt : toIso(e.occurredAt),
        data: keys ? encryptPersonal(e.data, keys) : e.data,
        ...(e.metadata == null ? {} : { metadata: keys ? (encryptPersonal(e.metadata, keys) as NewEvent['metadata']) : e.metadata }),
      });
      heads[i] = parts.head;
      tails[i] = parts.tail;
    }
    const request: AppendRequest = { streamId, category, expected, heads, tails, eventIds };
    try {
      const outcome = options.client
        ? await this.writeOne(request, options.client)
        : this.committer
          ? await this.committer.submit(request)
          : await this.writeAlone(request);
      if ('actual' in outcome) throw new ConcurrencyError(streamId, options.expectedVersion, outcome.actual);
      const last = outcome.rows[outcome.rows.length - 1]!;
      return {
        streamId,
        nextExpectedVersion: Number(last.streamVersion),
        positions: outcome.rows.map((r) => Number(r.position)),
        transactionId: last.transactionId,
        lastHash: last.hash,
      };
    } catch (e) {
      const err = e as { code?: string; detail?: string; constraint?: string };
      if (err.code === CONCURRENCY_SQLSTATE) throw new ConcurrencyError(streamId, options.expectedVersion, Number(err.detail));
      if (err.code === STALE_TRANSACTION_SQLSTATE) throw new StaleTransactionError(err.detail ?? streamId);
      if (err.code === '23505' && err.constraint === 'events_event_id_key')
        throw new DuplicateEventError(streamId, err.detail ?? 'duplicate eventId');
      throw e;
    }
  }

  /**
   * One append in a transaction of its own: a deadlock or a stale transaction id proves
   * nothing was committed, and a new transaction can succeed.
   */
  private async writeAlone(r: AppendRequest): Promise<AppendOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeOne(r, this.pool);
      } catch (e) {
        if (attempt >= 8 || failureKind(e) !== 'retry') throw e;
      }
    }
  }

  /** One append in the caller's transaction (or its own): a version mismatch raises. */
  private async writeOne(r: AppendRequest, db: ClientBase | Pool): Promise<AppendOutcome> {
    const { rows } = await db.query<{ o_position: string; o_stream_version: string; o_transaction_id: string; o_hash: string }>({
      name: this.sql.append.name,
      text: this.sql.append.text,
      values: [r.streamId, r.category, r.expected, joinTexts(r.heads), joinTexts(r.tails)],
    });
    return {
      rows: rows.map((x) => ({
        position: x.o_position,
        streamVersion: x.o_stream_version,
        transactionId: x.o_transaction_id,
        hash: x.o_hash,
      })),
    };
  }

  private async keysForPersonalData(events: readonly NewEvent[], db: ClientBase | Pool): Promise<Map<string, SubjectKey> | null> {
    const subjects = new Set<string>();
    for (const e of events) {
      personalSubjects(e.data, subjects);
      personalSubjects(e.metadata, subjects);
    }
    if (subjects.size === 0) return null;
    if (!this.personalKeys) throw new InvalidEventError('append: this store withholds personal data and cannot write it');
    return this.personalKeys.forWrite(db, [...subjects]);
  }

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
    return this.toEvents(rows, false);
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
    const events = await this.toEvents(rows, raw);
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
    const snapshot = this.personalKeys ? options.snapshot : undefined;
    const result = await this.foldStream(streamId, fold, Number.MAX_SAFE_INTEGER, null, snapshot);
    if (snapshot && snapshotDue(snapshot.every, result.fromVersion, result.version)) {
      await this.saveSnapshot(streamId, snapshot.foldVersion, result);
    }
    return { state: result.state, version: result.version };
  }

  /**
   * The stream's state as of an instant (the events recorded at or before it, stopping at the
   * first one recorded after it) or as of a version, folded with the caller's reducers.
   */
  async asOf<S>(streamId: string, fold: Fold<S>, at: AsOf, options: FoldOptions = {}): Promise<Folded<S>> {
    const snapshot = this.personalKeys ? options.snapshot : undefined;
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
    if (snapshot) {
      const from = await this.loadSnapshot<S>(streamId, snapshot.foldVersion, maxVersion, recordedAtOrBefore, used);
      if (from) ({ state, version, maxRecordedAt } = from);
    }
    const fromVersion = version;
    const { rows } = await this.pool.query<EventRow>({
      name: this.sql.foldRange.name,
      text: this.sql.foldRange.text,
      values: [streamId, version, maxVersion, recordedAtOrBefore],
    });
    const events = await this.toEvents(rows, false, used);
    for (const e of events) {
      state = fold.evolve(state, e);
      version = e.streamVersion;
      if (e.recordedAt > maxRecordedAt) maxRecordedAt = e.recordedAt;
    }
    return { state, version, fromVersion, folded: events.length, maxRecordedAt, used };
  }

  /** The usable snapshot, opened; a sealed one that does not open (subject forgotten, row corrupt or tampered) is dropped and the fold starts over. */
  private async loadSnapshot<S>(
    streamId: string,
    foldVersion: string,
    maxVersion: number,
    recordedAtOrBefore: string | null,
    used: Map<string, SubjectKey | null>,
  ): Promise<{ state: S; version: number; maxRecordedAt: string } | null> {
    // With the keys of the subjects it folded, one row per subject: one round trip.
    const { rows } = await this.pool.query<
      { stream_version: string; max_recorded_at: string; state: unknown; subjects: string[] } & KeyRow
    >(
      `select s.stream_version, to_char(s.max_recorded_at at time zone 'UTC', ${ISO}) as max_recorded_at, s.state, s.subjects, ${KEY_COLUMNS}
         from ${this.s}.snapshots s left join ${this.s}.personal_keys k on k.subject_id = any(s.subjects)
        where s.stream_id = $1 and s.fold_version = $2`,
      [streamId, foldVersion],
    );
    const row = rows[0];
    if (!row) return null;
    const snap = { streamVersion: Number(row.stream_version), maxRecordedAt: row.max_recorded_at, state: row.state };
    if (!snapshotUsable(snap, maxVersion, recordedAtOrBefore)) return null;
    if (row.subjects.length === 0) return { state: row.state as S, version: snap.streamVersion, maxRecordedAt: snap.maxRecordedAt };
    const keys = this.personalKeys!.fromRows(
      row.subjects,
      rows.filter((r) => r.subject_id !== null),
    );
    const aad = snapshotAad(streamId, foldVersion, snap.streamVersion);
    const state = openState(row.state as SealedState, row.subjects, keys, aad);
    if (state === undefined) {
      await this.pool.query(`delete from ${this.s}.snapshots where stream_id = $1 and fold_version = $2 and stream_version = $3`, [
        streamId,
        foldVersion,
        snap.streamVersion,
      ]);
      return null;
    }
    for (const [subject, key] of keys) used.set(subject, key);
    return { state: state as S, version: snap.streamVersion, maxRecordedAt: snap.maxRecordedAt };
  }

  /**
   * Stores the state in clear only if no personal value went into it; otherwise sealed under
   * the keys that decrypted those values (not keys read again now: a subject forgotten in
   * between must not leave its values in a clear snapshot), with the subjects listed so
   * that `forget` drops it.
   */
  private async saveSnapshot(streamId: string, foldVersion: string, r: FoldResult<unknown>): Promise<void> {
    const live = new Map<string, SubjectKey>();
    for (const [subject, key] of r.used) if (key) live.set(subject, key);
    const subjects = [...live.keys()].sort();
    const state = subjects.length === 0 ? r.state : sealState(r.state, subjects, live, snapshotAad(streamId, foldVersion, r.version));
    await this.pool.query(
      `insert into ${this.s}.snapshots as s (stream_id, fold_version, stream_version, max_recorded_at, state, subjects)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (stream_id, fold_version) do update
         set stream_version = excluded.stream_version, max_recorded_at = excluded.max_recorded_at,
             state = excluded.state, subjects = excluded.subjects, created_at = now()
         where s.stream_version < excluded.stream_version`,
      [streamId, foldVersion, r.version, r.maxRecordedAt, JSON.stringify(state), subjects],
    );
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

  // ---------------------------------------------------------------- mapping

  /** `used` collects the key (or null: forgotten) of every subject whose values were decrypted. */
  private async toEvents(rows: EventRow[], raw: boolean, used?: Map<string, SubjectKey | null>): Promise<RecordedEvent[]> {
    const out = new Array<RecordedEvent>(rows.length);
    let encrypted = false;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (!raw && !encrypted && r.canonical.includes(ENCRYPTED_KEY)) encrypted = true;
      const e = JSON.parse(r.canonical) as Mutable<RecordedEvent>;
      e.position = Number(r.position);
      e.transactionId = r.transaction_id;
      e.prevHash = r.prev_hash;
      e.hash = r.hash;
      out[i] = e;
    }
    if (raw) return out;
    if (encrypted && this.personalKeys) await this.decrypt(out, used);
    if (!this.upcasters.isEmpty) for (let i = 0; i < out.length; i++) out[i] = this.upcasters.apply(out[i]!);
    return out;
  }

  private async decrypt(events: RecordedEvent[], used?: Map<string, SubjectKey | null>): Promise<void> {
    const subjects = new Set<string>();
    for (const e of events) {
      encryptedSubjects(e.data, subjects);
      encryptedSubjects(e.metadata, subjects);
    }
    if (subjects.size === 0) return;
    const keys = await this.personalKeys!.forRead(this.pool, [...subjects]);
    if (used) for (const [subject, key] of keys) used.set(subject, key);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const data = decryptPersonal(e.data, keys);
      const metadata = e.metadata === undefined ? undefined : (decryptPersonal(e.metadata, keys) as RecordedEvent['metadata']);
      if (data !== e.data || metadata !== e.metadata) events[i] = { ...e, data, ...(metadata === undefined ? {} : { metadata }) };
    }
  }
}

interface FoldResult<S> {
  state: S;
  version: number;
  fromVersion: number;
  folded: number;
  maxRecordedAt: string;
  used: Map<string, SubjectKey | null>;
}

/** Binds a sealed snapshot to its place: moved to another stream, fold or version it does not open. */
function snapshotAad(streamId: string, foldVersion: string, version: number): string {
  return `${streamId}\u0000${foldVersion}\u0000${version}`;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function expectedToSql(expected: ExpectedVersion): number | null {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return 0;
  if (!Number.isInteger(expected) || expected < 0) throw new InvalidEventError(`expectedVersion ${String(expected)} is not valid`);
  return expected;
}

function toIso(t: string | Date): string {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) throw new InvalidEventError(`not a timestamp: ${String(t)}`);
  return d.toISOString();
}

function statements(schema: string) {
  const s = `"${schema}"`;
  const named = (name: string, text: string) => ({ name: `es_${name}_${schema}`.slice(0, 63), text });
  return {
    append: named(
      'append',
      `select o_position, o_stream_version, o_transaction_id, o_hash
         from ${s}.append_events($1, $2, $3, string_to_array($4::text, chr(1)), string_to_array($5::text, chr(1)))`,
    ),
    appendMany: named(
      'append_many',
      `select o_request, o_position, o_stream_version, o_transaction_id, o_hash, o_actual
         from ${s}.append_events_many($1::text[], $2::text[], $3::bigint[], $4::int[],
                                      string_to_array($5::text, chr(1)), string_to_array($6::text, chr(1)))`,
    ),
    readForward: named(
      'fwd',
      `select ${COLUMNS} from ${s}.events where stream_id = $1 and stream_version >= $2 order by stream_version limit $3`,
    ),
    readBackward: named(
      'bwd',
      `select ${COLUMNS} from ${s}.events where stream_id = $1 and stream_version <= $2 order by stream_version desc limit $3`,
    ),
    readAll: named(
      'all',
      `select ${COLUMNS} from ${s}.events
        where (transaction_id, position) > ($1::xid8, $2::bigint)
          and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by transaction_id, position
        limit $3`,
    ),
    heldBack: named(
      'held',
      `select exists (select 1 from ${s}.events
                       where (transaction_id, position) > ($1::xid8, $2::bigint)
                         and transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) as held_back`,
    ),
    foldRange: named(
      'fold',
      `select ${COLUMNS} from ${s}.events
        where stream_id = $1 and stream_version > $2 and stream_version <= $3
          and ($4::timestamptz is null or stream_version < coalesce(
                (select min(f.stream_version) from ${s}.events f where f.stream_id = $1 and f.recorded_at > $4::timestamptz),
                9223372036854775807))
        order by stream_version`,
    ),
  };
}
