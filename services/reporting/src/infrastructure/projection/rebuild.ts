import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { serviceEventVerifier } from '@vanguard/auth';
import { MemberState, OrganizationState } from '@vanguard/contracts';
import {
  DeferredWrites,
  ensureTopics,
  retryingRetriable,
  serviceKafka,
  type BatchEnvelopeVerifier,
  type EnvelopeVerifier,
} from '@vanguard/messaging';
import {
  LIVE_TABLES,
  SHADOW_TABLES,
  removeFromCopy,
  reportingHandlersFor,
  tombstoneRemoval,
  type ReportingTables,
} from './projection-handlers';
import { signedRecords } from './signed-records';
import { reportingContracts, stateTopics } from './source-topics';

export interface ReportingRebuildOptions {
  readonly brokers: readonly string[];
  /** Tests' own topic prefix; none in production. */
  readonly topicPrefix?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** How long the swap waits for the live consumer's lock before trying again (default 2 s). */
  readonly lockTimeoutMs?: number;
  /** Whose signatures count (ADR 0059); default the live consumer's, `serviceEventVerifier('reporting')`. */
  readonly verifier?: EnvelopeVerifier | BatchEnvelopeVerifier;
  /** Told of each source topic the broker did not host yet (its producer never published), created empty. */
  readonly onTopicCreated?: (topic: string) => void;
  /** Stops the rebuild where it is (the script's SIGINT/SIGTERM); the shadows are dropped as on any failure. */
  readonly signal?: AbortSignal;
}

export interface ReportingRebuildReport {
  readonly records: number;
  /**
   * Records that were not a valid contract event, not signed by their producer, or a tombstone off its state topic or
   * without a removal the organization service signed (the live consumer dead-letters them).
   */
  readonly refused: number;
  readonly caughtUpUnderLock: number;
  readonly ms: number;
}

type Ends = Map<string, Map<number, bigint>>;
/** A record as read: a tombstone's headers carry its signed removal (ADR 0130). */
type TopicRecord = Pick<KafkaMessage, 'key' | 'value' | 'headers'>;

/**
 * Rebuilds `rpt_org`, `rpt_member` and `rpt_fact` (and the subtree totals their triggers keep) from the topics while the service runs
 * (ADR 0024's shadow-and-swap, with Kafka as the log): shadows `<table>__rebuild` are filled by
 * the live handlers from every source topic's beginning — the compacted state topics first (the
 * tree and roster), then the events topics — up to the ends seen at the start; then, with the live
 * tables locked, the records since are read into the shadows and the shadows take the live names.
 * The live consumer is left alone: its next write waits for the lock and lands in the new table
 * (facts by `(event, figure, organisation, day)` and states by version make that repeat harmless).
 */
export async function rebuildReporting(pool: Pool, options: ReportingRebuildOptions): Promise<ReportingRebuildReport> {
  const started = Date.now();
  const client = serviceKafka('reporting-rebuild', options.brokers);
  const kafka = client.kafka;
  const contracts = reportingContracts(options.topicPrefix);
  const all = contracts.topics();
  const state = new Set([OrganizationState.topic, MemberState.topic].map((t) => (options.topicPrefix ? `${options.topicPrefix}.${t}` : t)));
  const stateTopicsOf = stateTopics(options.topicPrefix);
  const admin = kafka.admin();
  await admin.connect();
  const from: Ends = new Map();
  let records = 0;
  let refused = 0;
  const handlers = reportingHandlersFor(SHADOW_TABLES);
  // The live consumer's check (ADR 0059): a forgery it dead-lettered must not be counted by a rebuild.
  const verifier = options.verifier ?? serviceEventVerifier('reporting');
  const apply = async (topic: string, batch: TopicRecord[], client: PoolClient, tables: ReportingTables) => {
    // The batch's rows go as one statement per table (ADR 0060), sent before a tombstone and at the end.
    const deferred = new DeferredWrites<PoolClient>();
    const events = await signedRecords(batch, contracts, verifier);
    for (const [i, m] of batch.entries()) {
      records++;
      if (m.value === null) {
        // A purged row (ADR 0029): gone from the shadow too, as the live consumer deletes it — only
        // where the live consumer deletes: the state topic of its kind, with a signed removal (ADR 0130).
        const k = tombstoneRemoval({ topic, key: m.key?.toString('utf8') ?? null, headers: m.headers }, stateTopicsOf, verifier);
        await deferred.flush(client);
        if ('refused' in k) refused++;
        else await removeFromCopy(client, k, tables);
        continue;
      }
      const e = events[i];
      if (!e) {
        refused++;
        continue;
      }
      await handlers[e.type]?.(e, { tx: client, origin: { topic, partition: 0, offset: '0' }, attempt: 1, deferred });
    }
    await deferred.flush(client);
  };
  try {
    // A context that never published has no topic yet, and reading offsets of a topic the broker
    // does not host fails without naming it: created empty, as the relays create theirs.
    const hosted = new Set(await admin.listTopics());
    const missing = all.filter((t) => !hosted.has(t));
    if (missing.length) {
      await ensureTopics(kafka, missing);
      for (const t of missing) options.onTopicCreated?.(t);
    }
    options.signal?.throwIfAborted();
    await createShadows(pool);
    const ends = await endsOf(admin, all);
    const total = [...ends.values()].reduce((s, p) => s + [...p.values()].reduce((a, b) => a + Number(b), 0), 0);
    let done = 0;
    options.onProgress?.(0, total);
    for (const topics of [all.filter((t) => state.has(t)), all.filter((t) => !state.has(t))]) {
      await readRange(
        kafka,
        topics,
        from,
        ends,
        async (topic, batch) => {
          await inTransaction(pool, (c) => apply(topic, batch, c, SHADOW_TABLES));
          done += batch.length;
          options.onProgress?.(Math.min(done, total), total);
        },
        options.signal,
      );
    }
    options.onProgress?.(total, total);
    // Under the lock: whatever arrived meanwhile, then the swap, in one transaction.
    const before = records;
    await inTransaction(pool, async (c) => {
      await c.query(`set local lock_timeout = ${options.lockTimeoutMs ?? 2_000}`);
      await c.query(`lock table ${Object.values(LIVE_TABLES).sort().join(', ')} in access exclusive mode`);
      // The live tables are locked meanwhile: a broker that does not answer soon fails the swap, not every read.
      const now = await endsOf(admin, all, UNDER_LOCK_MS);
      await readRange(kafka, all, from, now, (topic, batch) => apply(topic, batch, c, SHADOW_TABLES), options.signal);
      options.signal?.throwIfAborted();
      await swap(c);
    });
    return { records, refused, caughtUpUnderLock: records - before, ms: Date.now() - started };
  } catch (e) {
    // Half-filled shadows would otherwise stay behind for the next rebuild to find.
    await dropShadows(pool).catch(() => undefined);
    throw e;
  } finally {
    await admin.disconnect();
    client.closeLeftovers();
  }
}

/**
 * Empty copies of the live tables, with their triggers: the shadows' subtree totals are kept as
 * they are filled, by the same trigger functions (which write the totals of the table's suffix).
 */
async function createShadows(pool: Pool): Promise<void> {
  for (const [k, live] of Object.entries(LIVE_TABLES) as [keyof ReportingTables, string][]) {
    const shadow = SHADOW_TABLES[k];
    await pool.query(`drop table if exists ${shadow}`);
    await pool.query(`create table ${shadow} (like ${live} including all)`);
    const triggers = await pool.query<{ def: string }>(
      `select pg_get_triggerdef(t.oid) as def from pg_trigger t where t.tgrelid = $1::regclass and not t.tgisinternal`,
      [live],
    );
    for (const { def } of triggers.rows) await pool.query(def.replace(new RegExp(` ON (\\S+\\.)?${live} `), ` ON ${shadow} `));
  }
}

async function dropShadows(pool: Pool): Promise<void> {
  for (const shadow of Object.values(SHADOW_TABLES)) await pool.query(`drop table if exists ${shadow}`);
}

/** Drops each live table and gives its shadow the name, and its indexes the live indexes' names. */
async function swap(c: PoolClient): Promise<void> {
  const shape = (def: string) => def.replace(/INDEX \S+ ON \S+/, 'INDEX ON t');
  for (const [k, live] of Object.entries(LIVE_TABLES) as [keyof ReportingTables, string][]) {
    const shadow = SHADOW_TABLES[k];
    const indexes = async (table: string) =>
      (
        await c.query<{ name: string; def: string }>(
          `select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() and tablename = $1`,
          [table],
        )
      ).rows;
    const liveIndexes = await indexes(live);
    const shadowIndexes = await indexes(shadow);
    await c.query(`drop table ${live}`);
    await c.query(`alter table ${shadow} rename to ${live}`);
    for (const l of liveIndexes) {
      const s = shadowIndexes.find((x) => shape(x.def) === shape(l.def));
      if (s && s.name !== l.name) await c.query(`alter index ${s.name} rename to ${l.name}`);
    }
  }
}

/** How long the ends may take to read while the live tables are locked. */
const UNDER_LOCK_MS = 5_000;

/**
 * Where each topic ends, within `timeoutMs` in all. A topic created a moment ago has a leader
 * before every broker knows it: retriable errors are retried until then.
 */
async function endsOf(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<Ends> {
  const deadline = Date.now() + timeoutMs;
  const ends: Ends = new Map();
  // Only partitions holding records: an empty (or fully compacted) one would never deliver a batch to end on.
  for (const topic of topics) {
    const offsets = await retryingRetriable(() => admin.fetchTopicOffsets(topic), Math.max(0, deadline - Date.now()));
    ends.set(topic, new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)])));
  }
  return ends;
}

/**
 * Reads each partition of `topics` from `from` (the beginning when absent) up to `to`, a batch at
 * a time, in partition order, and advances `from`. A throwaway consumer group with manual seeks,
 * deleted afterwards, so the live group's offsets are never touched.
 */
async function readRange(
  kafka: Kafka,
  topics: readonly string[],
  from: Ends,
  to: Ends,
  onBatch: (topic: string, batch: TopicRecord[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const pending = new Map<string, bigint>();
  for (const topic of topics)
    for (const [p, end] of to.get(topic) ?? []) if ((from.get(topic)?.get(p) ?? 0n) < end) pending.set(`${topic}:${p}`, end);
  // Partitions with nothing to read are done; a partition read to its end is deleted from `pending`.
  for (const [k, end] of [...pending]) {
    const [topic, p] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
    if (from.get(topic)?.get(p) === end) pending.delete(k);
  }
  if (pending.size === 0) return;
  const groupId = `reporting.rebuild-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let finish: (e?: Error) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => (finish = (e) => (e ? reject(e) : resolve())));
    // Rejected before it is awaited (an interruption while the consumer joins): not an unhandled rejection.
    finished.catch(() => undefined);
    const stop = () => finish(signal?.reason instanceof Error ? signal.reason : new Error('rebuild interrupted'));
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const key = `${batch.topic}:${batch.partition}`;
        const end = pending.get(key);
        if (end === undefined) return;
        const offsets = from.get(batch.topic) ?? new Map<number, bigint>();
        from.set(batch.topic, offsets);
        const next = offsets.get(batch.partition) ?? 0n;
        const take = batch.messages.filter((m) => BigInt(m.offset) >= next && BigInt(m.offset) < end);
        try {
          if (take.length) await onBatch(batch.topic, take);
        } catch (e) {
          finish(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        const last = take.at(-1);
        if (last) offsets.set(batch.partition, BigInt(last.offset) + 1n);
        // kafkajs fetches from the last resolved offset: unresolved, a partition longer than one
        // fetch was served its first batch again and again, and the rebuild never ended.
        payload.resolveOffset(batch.lastOffset());
        // Compaction leaves gaps, so the last offset fetched (not the last one taken) says we are through.
        if ((offsets.get(batch.partition) ?? 0n) >= end || BigInt(batch.lastOffset()) + 1n >= end) pending.delete(key);
        if (pending.size === 0) finish();
        await payload.heartbeat();
      },
    });
    // Resume where the previous pass stopped (the catch-up under the lock reads only what is new).
    for (const [k] of pending) {
      const [topic, p] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
      const at = from.get(topic)?.get(p);
      if (at !== undefined) consumer.seek({ topic, partition: p, offset: at.toString() });
    }
    try {
      await finished;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function inTransaction<T>(pool: Pool, work: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const r = await work(c);
    await c.query('commit');
    return r;
  } catch (e) {
    await c.query('rollback');
    throw e;
  } finally {
    c.release();
  }
}
