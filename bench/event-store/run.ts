/**
 * Event-store benchmark: @vanguard/event-store beside @event-driven-io/emmett-postgresql
 * (same work, same database, same run) and a raw INSERT/SELECT ceiling.
 *   node -r @swc-node/register bench/event-store/run.ts [--json] [--quick] [--no-kafka] [--events N] [--table N]
 * Uses its own database (vanguard_bench by default, dropped and recreated at start).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import { dumbo } from '@event-driven-io/dumbo';
import {
  getPostgreSQLEventStore,
  readLastMessageGlobalPosition,
  readMessagesBatch,
  type PostgresEventStore as EmmettStore,
} from '@event-driven-io/emmett-postgresql';
import { infraConfig } from '@vanguard/infra-config';
import { latencies, scoreFold } from './as-of-fold';
import { measureKafkaFigures } from './kafka';
import { runWriters as runWritersOf } from '../shared/writers';
import { canonicalJson, migrate, PostgresEventStore, type AppendContext, type GlobalCheckpoint } from '@vanguard/event-store';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const quick = flag('--quick');
const JSON_OUT = flag('--json');
const EVENTS = option('--events', quick ? 4_000 : 20_000);
const TABLE = option('--table', quick ? 100_000 : 1_000_000);
const WRITERS = 16;
const DB = process.env['BENCH_DATABASE'] ?? 'vanguard_bench';
const SCHEMA = 'bench_es';

const adminUrl = infraConfig().postgresAdminUrl;
const benchUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${DB}`;
  return u.toString();
})();

const ctx: AppendContext = {
  actor: { sub: 'bench', roles: ['organizer'], orgId: 'org-1', kind: 'service' },
  orgId: 'org-1',
  correlationId: 'bench',
};
const payload = (w: number, i: number) => ({ writer: w, seq: i, text: '带头学习，服务群众', score: 4.5, tags: ['pledge', 'q3'] });

interface Row {
  figure: string;
  target: string;
  ours: string;
  emmett: string;
  raw: string;
  note?: string;
}
const rows: Row[] = [];
const json: Record<string, unknown> = {};
const log = (m: string) => {
  if (!JSON_OUT) console.error(`· ${m}`);
};
const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
const fmt = (n: number) => n.toLocaleString('en-US');

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = performance.now();
  const result = await f();
  return { ms: performance.now() - t, result };
}

const runWriters = (total: number, writer: (w: number, i: number) => Promise<void>) => runWritersOf(total, WRITERS, writer);

async function main(): Promise<void> {
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [DB]);
  await admin.query(`drop database if exists "${DB}"`);
  await admin.query(`create database "${DB}"`);
  await admin.end();

  const pool = new Pool({ connectionString: benchUrl, max: WRITERS + 2 });
  await migrate(pool, { schema: SCHEMA });
  await pool.query(`create schema raw; create table raw.events (like "${SCHEMA}".events including defaults including identity);
                    alter table raw.events add primary key (position)`);
  const ours = new PostgresEventStore(pool, { schema: SCHEMA });
  const emmettPool = new Pool({ connectionString: benchUrl, max: WRITERS + 2 });
  const emmett: EmmettStore = getPostgreSQLEventStore(benchUrl, { connectionOptions: { pool: emmettPool } });
  await emmett.schema.migrate();
  const emmettDb = dumbo({ connectionString: benchUrl });

  // RFC 8785: the library's serialiser must agree with the `canonicalize` package.
  // `canonicalize` is ESM-only (import condition only): load it with a real dynamic import.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a compiled-away import() would become require(), which the package refuses
  const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<{ default: (v: unknown) => string }>;
  const canonicalize = (await importEsm('canonicalize')).default;
  const sample = { b: [1e21, 1e-7, -0, 4.5], a: { '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3 }, s: '张三\n"' };
  const canonOk = canonicalize(sample) === canonicalJson(sample);
  json['canonicalJsonMatchesCanonicalizePackage'] = canonOk;
  log(`canonicalJson matches the canonicalize package: ${canonOk}`);

  // 1. single-event appends, 16 writers, distinct streams (10 events per stream)
  log(`single-event appends: ${fmt(EVENTS)} events, ${WRITERS} writers`);
  const oursSingle = await runWriters(EVENTS, (w, i) =>
    ours
      .append(`single-w${w}s${Math.floor(i / 10)}`, [{ type: 'bench.Appended', data: payload(w, i) }], {
        expectedVersion: i % 10 === 0 ? 'no_stream' : i % 10,
        context: ctx,
      })
      .then(() => undefined),
  );
  const emmettSingle = await runWriters(EVENTS, (w, i) =>
    emmett
      .appendToStream(`single-w${w}s${Math.floor(i / 10)}`, [{ type: 'bench.Appended', data: payload(w, i) }], {
        expectedStreamVersion: BigInt(i % 10),
      })
      .then(() => undefined),
  );
  const rawSingle = await runWriters(EVENTS, (w, i) => rawInsert(pool, w, i, 1));
  const single = { ours: rate(EVENTS, oursSingle), emmett: rate(EVENTS, emmettSingle), raw: rate(EVENTS, rawSingle) };
  json['singleAppendsPerSec'] = single;
  rows.push({
    figure: `single-event appends, ${WRITERS} writers, distinct streams (events/s)`,
    target: '≥ 4,000; ≥ 1.5× Emmett; ≥ 50 % raw',
    ours: fmt(single.ours),
    emmett: fmt(single.emmett),
    raw: fmt(single.raw),
    note: `${(single.ours / single.emmett).toFixed(2)}× Emmett, ${Math.round((100 * single.ours) / single.raw)} % of raw`,
  });

  // 2. batched appends, 100 per append
  const batchEvents = EVENTS * 5;
  log(`batched appends: ${fmt(batchEvents)} events in appends of 100`);
  const appends = batchEvents / 100;
  const oursBatch = await runWriters(appends, (w, i) =>
    ours
      .append(
        `batch-w${w}s${i}`,
        Array.from({ length: 100 }, (_, k) => ({ type: 'bench.Appended', data: payload(w, i * 100 + k) })),
        { expectedVersion: 'no_stream', context: ctx },
      )
      .then(() => undefined),
  );
  const emmettBatch = await runWriters(appends, (w, i) =>
    emmett
      .appendToStream(
        `batch-w${w}s${i}`,
        Array.from({ length: 100 }, (_, k) => ({ type: 'bench.Appended', data: payload(w, i * 100 + k) })),
        { expectedStreamVersion: 0n },
      )
      .then(() => undefined),
  );
  const rawBatch = await runWriters(appends, (w, i) => rawInsert(pool, w, i, 100));
  const batched = { ours: rate(appends * 100, oursBatch), emmett: rate(appends * 100, emmettBatch), raw: rate(appends * 100, rawBatch) };
  json['batchedAppendsPerSec'] = batched;
  rows.push({
    figure: 'batched appends, 100 events per append (events/s)',
    target: '≥ 30,000',
    ours: fmt(batched.ours),
    emmett: fmt(batched.emmett),
    raw: fmt(batched.raw),
  });

  // 5. read all while 16 writers append: missed / duplicated (before the big fill, so Emmett's
  // unindexed page query stays fast enough to keep up)
  const concurrentSeconds = quick ? 3 : 8;
  log(`read all while ${WRITERS} writers append for ${concurrentSeconds}s`);
  const oursRace = await raceOurs(ours, pool, concurrentSeconds);
  const emmettRace = await raceEmmett(emmett, emmettDb.execute, pool, concurrentSeconds);
  json['readWhileWriting'] = { ours: oursRace, emmett: emmettRace };
  rows.push({
    figure: `read all while ${WRITERS} writers append: missed / read twice (of written)`,
    target: '0 / 0',
    ours: `${oursRace.missed} / ${oursRace.duplicates} (of ${fmt(oursRace.written)})${oursRace.caughtUp ? '' : ' reader stalled'}`,
    emmett: `${emmettRace.missed} / ${emmettRace.duplicates} (of ${fmt(emmettRace.written)})${emmettRace.caughtUp ? '' : ' reader stalled'}`,
    raw: '',
  });

  // 3. fill to TABLE events and read all in global order at two table sizes
  const readAt: Record<string, { ours: number; emmett: number; raw: number; table: number }> = {};
  for (const size of [Math.round(TABLE / 4), TABLE]) {
    await fill(ours, emmett, pool, size);
    await settle(pool);
    const table = await count(pool, `"${SCHEMA}".events`);
    log(`read all: table of ${fmt(table)} events`);
    const o = await timed(() => readAllOurs(ours));
    const e = await timed(() => readAllEmmett(emmettDb.execute));
    const r = await timed(() => readAllRaw(pool));
    readAt[String(size)] = { ours: rate(o.result, o.ms), emmett: rate(e.result, e.ms), raw: rate(r.result, r.ms), table };
  }
  json['readAllPerSec'] = readAt;
  for (const [, v] of Object.entries(readAt)) {
    rows.push({
      figure: `read all in global order, table of ${fmt(v.table)} (events/s)`,
      target: '≥ 100,000, flat',
      ours: fmt(v.ours),
      emmett: fmt(v.emmett),
      raw: fmt(v.raw),
    });
  }

  // 4. verify the whole store, and memory while reading / verifying, each in a fresh process
  log('verify the whole store (fresh processes, peak RSS)');
  const readChild = child('read');
  const verifyFull = child('verify');
  const verifyChain = child('verify-chain');
  json['verify'] = { withColumnCheck: verifyFull, chainOnly: verifyChain };
  json['readAllFreshProcess'] = readChild;
  rows.push({
    figure: `verify the whole store, ${fmt(verifyFull.events)} events (events/s)`,
    target: '≥ 100,000',
    ours: `${fmt(verifyFull.perSec)} chain+columns, ${fmt(verifyChain.perSec)} chain only (${verifyFull.ok && verifyChain.ok ? 'ok' : 'BROKEN'})`,
    emmett: 'n/a (no hash chain)',
    raw: '',
  });
  rows.push({
    figure: `peak RSS of a fresh process reading / verifying ${fmt(readChild.events)} events (MB)`,
    target: '≤ 256',
    ours: `${readChild.peakRssMb} / ${Math.max(verifyFull.peakRssMb, verifyChain.peakRssMb)}`,
    emmett: '',
    raw: '',
    note: `process baseline ${readChild.baselineRssMb} MB (node + swc-node register)`,
  });

  // 6. subscription delivery
  const subN = Math.min(TABLE, quick ? 50_000 : 200_000);
  log(`subscription delivery of ${fmt(subN)} events`);
  const sub = await timed(
    () =>
      new Promise<number>((resolve) => {
        let n = 0;
        const s = ours.subscribe({
          name: `bench-${randomUUID()}`,
          batchSize: 1000,
          pollIntervalMs: 10,
          handler: () => {
            if (++n === subN) void s.stop().then(() => resolve(n));
          },
        });
      }),
  );
  const subRate = rate(subN, sub.ms);
  const emmettSubN = Math.min(subN, 20_000);
  const emmettSub = await timed(async () => {
    let n = 0;
    const consumer = emmett.consumer({ pulling: { batchSize: 1000 } });
    consumer.reactor({
      processorId: `bench-${randomUUID()}`,
      startFrom: 'BEGINNING',
      eachMessage: () => Promise.resolve(void n++),
      stopAfter: () => n >= emmettSubN,
    } as never);
    await consumer.start();
    await consumer.close();
    return n;
  });
  const emmettSubRate = rate(emmettSub.result, emmettSub.ms);
  json['subscriptionPerSec'] = { ours: subRate, oursEvents: subN, emmett: emmettSubRate, emmettEvents: emmettSub.result };
  rows.push({
    figure: 'subscription delivery, store → handler, checkpointed (events/s)',
    target: '≥ 20,000',
    ours: `${fmt(subRate)} (${fmt(subN)} events)`,
    emmett: `${fmt(emmettSubRate)} (consumer.reactor, ${fmt(emmettSub.result)} events)`,
    raw: '',
  });

  // 7. as-of fold of a 1,000-event stream
  log('as-of fold of a 1,000-event stream');
  for (let b = 0; b < 10; b++) {
    await ours.append(
      'asof-1',
      Array.from({ length: 100 }, (_, k) => ({ type: 'bench.Scored', data: { amount: b * 100 + k } })),
      { expectedVersion: b === 0 ? 'no_stream' : b * 100, context: ctx },
    );
    await emmett.appendToStream(
      'asof-1',
      Array.from({ length: 100 }, (_, k) => ({ type: 'bench.Scored', data: { amount: b * 100 + k } })),
      { expectedStreamVersion: BigInt(b * 100) },
    );
  }
  const oursAsOf = await latencies(300, async () => {
    const r = await ours.asOf('asof-1', scoreFold, { recordedAt: new Date() });
    if (r.version !== 1000) throw new Error(`as-of folded ${r.version} events`);
  });
  // The same reads from a fresh process: this one carries every earlier figure's heap, and its
  // collections land in the slowest samples (the p99 of 300 is the third slowest).
  const freshAsOf = asOfInChild('asof-1');
  const emmettAgg = await latencies(300, async () => {
    const r = await emmett.aggregateStream('asof-1', {
      initialState: () => ({ total: 0, n: 0 }),
      evolve: (s: { total: number; n: number }, e: { data: unknown }) => ({
        total: s.total + (e.data as { amount: number }).amount,
        n: s.n + 1,
      }),
    });
    if (r.currentStreamVersion !== 1000n) throw new Error('emmett folded a different stream');
  });
  json['asOfFoldMs'] = { ours: oursAsOf, oursFreshProcess: freshAsOf, emmettAggregateStream: emmettAgg };
  rows.push({
    figure: 'as-of fold of a 1,000-event stream, p50 / p99 (ms)',
    target: 'p99 ≤ 10',
    ours: `${oursAsOf.p50} / ${oursAsOf.p99}; fresh process ${freshAsOf.p50} / ${freshAsOf.p99}`,
    emmett: `${emmettAgg.p50} / ${emmettAgg.p99} (aggregateStream; no as-of)`,
    raw: '',
  });

  await settle(pool);

  await emmett.close();
  await emmettDb.close();
  await pool.end();

  // 7. the Kafka legs: store → broker, and append → consumer handled (Emmett has no Kafka relay)
  // --no-kafka: the store's own figures alone, when the broker or the relay is not the question.
  if (!flag('--no-kafka')) {
    log('relay to Kafka and end-to-end latency');
    const k = await measureKafkaFigures(quick);
    json['kafka'] = k;
    rows.push({
      figure: `relay store → Kafka (${fmt(k.relayEvents)} events, events/s)`,
      target: '≥ 10,000',
      ours: fmt(k.relayEventsPerSec),
      emmett: '',
      raw: '',
    });
    rows.push({
      figure: `append → Kafka consumer handled at ${fmt(k.e2eRatePerSec)} events/s, p50 / p99 (ms)`,
      target: 'p50 ≤ 50, p99 ≤ 250',
      ours: `${k.e2eP50Ms} / ${k.e2eP99Ms}`,
      emmett: '',
      raw: '',
      note: `${fmt(k.e2eEvents)} events handled through EventConsumer + inbox; measured after VACUUM + CHECKPOINT`,
    });
  }

  if (JSON_OUT) {
    console.log(JSON.stringify({ database: DB, events: EVENTS, table: TABLE, writers: WRITERS, ...json }, null, 2));
  } else {
    printTable();
  }
}

function child(mode: 'read' | 'verify' | 'verify-chain'): {
  events: number;
  ok: boolean;
  perSec: number;
  baselineRssMb: number;
  peakRssMb: number;
} {
  const out = execFileSync(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'child.ts'), benchUrl, SCHEMA, mode], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ReturnType<typeof child>;
}

function asOfInChild(streamId: string): { p50: number; p99: number; max: number } {
  const script = path.join(__dirname, 'child.ts');
  const out = execFileSync(process.execPath, ['-r', '@swc-node/register', script, benchUrl, SCHEMA, 'as-of', streamId], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ReturnType<typeof asOfInChild>;
}

async function rawInsert(pool: Pool, w: number, i: number, n: number): Promise<void> {
  const values: string[] = [];
  const params: unknown[] = [];
  for (let k = 0; k < n; k++) {
    const p = params.length;
    values.push(
      `($${p + 1}, $${p + 2}, $${p + 3}, 'bench.Appended', 1, now(), now(), 'org-1', 'bench', null, $${p + 4}, $${p + 5}, $${p + 6})`,
    );
    const streamId = `raw-w${w}s${n === 1 ? Math.floor(i / 10) : i}`;
    const streamVersion = n === 1 ? (i % 10) + 1 : k + 1;
    const eventId = randomUUID();
    const data = payload(w, i * n + k);
    const now = new Date().toISOString();
    const text = canonicalJson({
      ...ctx,
      causationId: null,
      data,
      eventId,
      occurredAt: now,
      recordedAt: now,
      streamId,
      streamVersion,
      type: 'bench.Appended',
      version: 1,
    });
    params.push(streamId, streamVersion, eventId, '0'.repeat(64), '0'.repeat(64), text);
  }
  await pool.query(
    `insert into raw.events (stream_id, stream_version, event_id, type, version, occurred_at, recorded_at, org_id, correlation_id, causation_id, prev_hash, hash, canonical) values ${values.join(',')}`,
    params,
  );
}

/**
 * Fills leave millions of fresh rows for autovacuum and a WAL-triggered checkpoint to work
 * through. On 2 cores that background work landed inside whichever figure came next (the
 * end-to-end p99 was 644 ms against 81 ms standalone), so do it now, between figures.
 */
async function settle(pool: Pool): Promise<void> {
  log('vacuum and checkpoint, so the next figure does not share the machine with them');
  await pool.query('vacuum (analyze)');
  await pool.query('checkpoint');
}

async function count(pool: Pool, table: string): Promise<number> {
  const { rows: r } = await pool.query<{ n: string }>(`select count(*) as n from ${table}`);
  return Number(r[0]!.n);
}

async function fill(ours: PostgresEventStore, emmett: EmmettStore, pool: Pool, size: number): Promise<void> {
  const have = await count(pool, `"${SCHEMA}".events`);
  const missing = size - have;
  if (missing <= 0) return;
  log(`filling to ${fmt(size)} events (${fmt(missing)} more, each store and raw)`);
  const appends = Math.ceil(missing / 100);
  const tag = randomUUID().slice(0, 8);
  await runWriters(appends, (w, i) =>
    ours
      .append(
        `fill${tag}-w${w}s${i}`,
        Array.from({ length: 100 }, (_, k) => ({ type: 'bench.Filled', data: payload(w, k) })),
        { expectedVersion: 'no_stream', context: ctx },
      )
      .then(() => undefined),
  );
  await runWriters(appends, (w, i) =>
    emmett
      .appendToStream(
        `fill${tag}-w${w}s${i}`,
        Array.from({ length: 100 }, (_, k) => ({ type: 'bench.Filled', data: payload(w, k) })),
        { expectedStreamVersion: 0n },
      )
      .then(() => undefined),
  );
  await runWriters(appends, (w, i) => rawInsert(pool, w, i + 1_000_000, 100));
  await pool.query('vacuum analyze');
}

async function readAllOurs(store: PostgresEventStore, after?: GlobalCheckpoint): Promise<number> {
  let n = 0;
  for await (const batch of store.readAll({ batchSize: 2000, ...(after ? { after } : {}) })) n += batch.events.length;
  return n;
}

type Execute = Parameters<typeof readMessagesBatch>[0];
async function readAllEmmett(execute: Execute): Promise<number> {
  let n = 0;
  let after = 0n;
  for (;;) {
    const b = await readMessagesBatch(execute, { after, batchSize: 2000 });
    n += b.messages.length;
    if (b.messages.length === 0) return n;
    after = b.currentGlobalPosition;
  }
}

async function readAllRaw(pool: Pool): Promise<number> {
  let n = 0;
  let after = 0;
  for (;;) {
    const { rows: r } = await pool.query<{ position: string }>(
      'select * from raw.events where position > $1 order by position limit 2000',
      [after],
    );
    if (r.length === 0) return n;
    n += r.length;
    after = Number(r[r.length - 1]!.position);
  }
}

interface RaceResult {
  /** False when the reader had not caught up 120 s after the writers stopped. */
  caughtUp: boolean;
  written: number;
  delivered: number;
  missed: number;
  duplicates: number;
}

async function raceOurs(store: PostgresEventStore, pool: Pool, seconds: number): Promise<RaceResult> {
  // Start at the current head (nothing else is writing now).
  const { rows: head } = await pool.query<{ transaction_id: string; position: string }>(
    `select transaction_id, position from "${SCHEMA}".events order by transaction_id desc, position desc limit 1`,
  );
  let start: GlobalCheckpoint = head[0]
    ? { transactionId: head[0].transaction_id, position: Number(head[0].position) }
    : { transactionId: '0', position: 0 };
  for await (const b of store.readAll({ batchSize: 5000, after: start })) start = b.checkpoint;
  const run = randomUUID().slice(0, 8);
  const written = new Set<string>();
  const seen = new Map<string, number>();
  // The reader runs until every writer's transaction is below the safe high-water mark and a
  // page comes back empty (or a deadline: a transaction held open elsewhere in the cluster
  // stalls every xid-safe reader until it ends).
  let end: string | null = null;
  const reader = (async () => {
    let cp = start;
    for (;;) {
      // Ask before reading: an empty page only proves the end if the last writer had
      // finished before the page was read (asked after, a commit in between was lost).
      const writersDone = end !== null && (await xminPassed(pool, end));
      const page = await store.readAllPage(cp, 100, true);
      for (const e of page.events) {
        const d = e.data as { run?: string; id?: string };
        if (d.run === run) seen.set(d.id!, (seen.get(d.id!) ?? 0) + 1);
      }
      cp = page.checkpoint;
      if (writersDone && page.events.length === 0) return;
      if (readerDeadline()) return void (readerTimedOut = true);
    }
  })();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const id = `${w}-${i}`;
        await store.append(`race${run}-w${w}s${Math.floor(i / 10)}`, [{ type: 'bench.Raced', data: { run, id } }], {
          expectedVersion: 'any',
          context: ctx,
        });
        written.add(id);
      }
    }),
  );
  end = (await pool.query<{ x: string }>(`select max(transaction_id)::text as x from "${SCHEMA}".events`)).rows[0]!.x;
  startReaderDeadline();
  await reader;
  return summarise(written, seen);
}

async function xminPassed(pool: Pool, xid: string): Promise<boolean> {
  const { rows: r } = await pool.query<{ ok: boolean }>('select pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 as ok', [xid]);
  return r[0]!.ok;
}

let readerDeadlineAt = Number.POSITIVE_INFINITY;
let readerTimedOut = false;
const startReaderDeadline = () => {
  readerTimedOut = false;
  readerDeadlineAt = Date.now() + 120_000;
};
const readerDeadline = () => Date.now() > readerDeadlineAt;

async function raceEmmett(store: EmmettStore, execute: Execute, pool: Pool, seconds: number): Promise<RaceResult> {
  let start = (await readLastMessageGlobalPosition(execute)).currentGlobalPosition ?? 0n;
  for (;;) {
    const b = await readMessagesBatch(execute, { after: start, batchSize: 5000 });
    if (b.messages.length === 0) break;
    start = b.currentGlobalPosition;
  }
  const run = randomUUID().slice(0, 8);
  const written = new Set<string>();
  const seen = new Map<string, number>();
  let end: string | null = null;
  const reader = (async () => {
    let after = start;
    for (;;) {
      const writersDone = end !== null && (await xminPassed(pool, end));
      const b = await readMessagesBatch(execute, { after, batchSize: 100 });
      for (const m of b.messages) {
        const d = m.data as { run?: string; id?: string };
        if (d.run === run) seen.set(d.id!, (seen.get(d.id!) ?? 0) + 1);
      }
      if (b.messages.length > 0) after = b.currentGlobalPosition;
      if (writersDone && b.messages.length === 0) return;
      if (readerDeadline()) return void (readerTimedOut = true);
    }
  })();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const id = `${w}-${i}`;
        await store.appendToStream(`race${run}-w${w}s${Math.floor(i / 10)}`, [{ type: 'bench.Raced', data: { run, id } }]);
        written.add(id);
      }
    }),
  );
  end = (await pool.query<{ x: string }>(`select max(transaction_id)::text as x from emt_messages`)).rows[0]!.x;
  startReaderDeadline();
  await reader;
  return summarise(written, seen);
}

function summarise(written: Set<string>, seen: Map<string, number>): RaceResult {
  let missed = 0;
  for (const id of written) if (!seen.has(id)) missed++;
  let duplicates = 0;
  let delivered = 0;
  for (const n of seen.values()) {
    delivered += n;
    duplicates += n - 1;
  }
  return { caughtUp: !readerTimedOut, written: written.size, delivered, missed, duplicates };
}

function printTable(): void {
  const head: Row = {
    figure: 'figure',
    target: 'target',
    ours: '@vanguard/event-store',
    emmett: 'emmett-postgresql 0.42',
    raw: 'raw INSERT/SELECT',
    note: 'note',
  };
  const all = [head, ...rows];
  const cols: (keyof Row)[] = ['figure', 'target', 'ours', 'emmett', 'raw', 'note'];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...all.map((r) => (r[c] ?? '').length))])) as Record<keyof Row, number>;
  const line = (r: Row) => `| ${cols.map((c) => (r[c] ?? '').padEnd(width[c])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(
    `\nPostgres ${benchUrl}; ${WRITERS} writers; canonicalJson == canonicalize: ${String(json['canonicalJsonMatchesCanonicalizePackage'])}; VACUUM + CHECKPOINT after each fill`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
