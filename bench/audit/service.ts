/**
 * The audit service's figures of issue 12 that need the stores, each beside the raw Postgres
 * figure of the same run (run by `npm run bench:audit` after proofs.ts, see run.ts):
 *   node -r @swc-node/register bench/audit/service.ts [--json] [--quick] [--events 1000000] [--stream-events 100]
 *     [--seconds 5] [--concurrency 16]
 *
 * 0. A database of its own (`vanguard_bench_audit`, made afresh, migrated as `npm run migrate`
 *    would: the stores, the audit reader role, the trail store), dropped at the end, also on
 *    failure. The evaluation store is filled with the event-store library's own append (16
 *    writers, appends of `--stream-events`): `--events` pledge events in streams of that many
 *    (a PledgeMade, then progress reports), and one pledge stream of 1,000 events.
 * 1. As-of of that 1,000-event stream through GET /streams/:id/as-of?at=now of the service
 *    (services/audit/src/main.ts as a child process, as `npm start` runs it; checkpoints off),
 *    with a real Keycloak token of province.auditor: closed loop at `--concurrency` for
 *    `--seconds`; req/s, p50, p99 and the service's CPU ms per request (/proc). Target p99 ≤ 20 ms.
 *    Beside it, at the same concurrency: the library's store-level as-of (same fold, same
 *    reader role, in this process) and the raw SELECT of the stream's 1,000 rows.
 *    Then the whole log through GET /transparency/evaluation/export-log (export-log.ts): the first
 *    checkpoint's catch-up, the download to a file (events/s, MB/s, service CPU), and the file
 *    checked by the lib's verifier. Target ≥ 100,000 events/s.
 * 2. Verifying every event of both audited stores with the service's verifyStores (what
 *    GET /verify and its CLI run) in a fresh process: events/s and peak RSS. Target ≥ 150,000
 *    events/s in ≤ 256 MB. Beside it the raw read of the same rows in a fresh process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PostgresEventStore, type AppendContext, type NewEvent } from '@vanguard/event-store';
import { pledgeDecider } from '@vanguard/evaluation-domain';
import { tokenFor } from '@vanguard/testing';
import { auditReaderUrl } from '../../services/audit/src/infrastructure/audit-database';
import { evaluationUpcasters } from '../../services/audit/src/infrastructure/evaluation-upcasters';
import { call, closeAgent, closedLoop, cpuMs, type Figure, untilReady } from '../evaluation/http-load';
import { exportLogFigure, type ExportLogFigure } from './export-log';
import { freshBenchDatabase } from '../shared/bench-database';
import { runWriters } from '../shared/writers';

const argv = process.argv.slice(2);
const arg = (n: string, d: string): string => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? argv[i + 1]! : d;
};
const JSON_OUT = argv.includes('--json');
const QUICK = argv.includes('--quick');
const EVENTS = Number(arg('events', QUICK ? '100000' : '1000000'));
const STREAM_EVENTS = Number(arg('stream-events', '100'));
const SECONDS = Number(arg('seconds', QUICK ? '3' : '5'));
const CONCURRENCY = Number(arg('concurrency', '16'));
const PORT = Number(arg('port', '3912'));
const WRITERS = 16;
const DB = process.env['VANGUARD_BENCH_AUDIT_DB'] ?? 'vanguard_bench_audit';
const root = join(__dirname, '..', '..');
// --json: one JSON line on stdout; everything else (this file's lines, scripts/migrate's) on stderr.
const writeStdout = process.stdout.write.bind(process.stdout);
if (JSON_OUT) process.stdout.write = process.stderr.write.bind(process.stderr);
const log = (s: string): void => void (JSON_OUT ? process.stderr : process.stdout).write(`${s}\n`);
const fmt = (n: number): string => n.toLocaleString('en');
const load = (): string =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');

const ctx: AppendContext = {
  actor: { sub: 'bench-organizer', roles: ['organizer'], orgId: '00000000-0000-4000-8000-000000910425', kind: 'user' },
  orgId: '00000000-0000-4000-8000-000000910425',
  correlationId: 'bench-audit',
};
const NOTE = '为群众办实事：修缮村道两公里，已完成路基，正在铺设路面';

/** A pledge stream's events as the evaluation service writes them: made, then `n - 1` progress reports. */
function pledgeEvents(pledgeId: string, from: number, n: number): NewEvent[] {
  return Array.from({ length: n }, (_, k) =>
    from + k === 1
      ? {
          type: 'evaluation.PledgeMade',
          data: {
            pledgeId,
            campaignId: '00000000-0000-4000-8000-00000000c001',
            cycleId: '00000000-0000-4000-8000-00000000c002',
            pledger: { kind: 'member', id: '00000000-0000-4000-8000-0000000000a1' },
            orgId: ctx.orgId,
            category: 'deed_for_masses',
            content: NOTE,
            dueOn: '2026-12-31',
            followsPledgeId: null,
          },
        }
      : { type: 'evaluation.PledgeProgressReported', data: { pledgeId, note: NOTE, percent: (from + k) % 100 } },
  );
}

/** Appends `events` in streams of STREAM_EVENTS with 16 writers; events/s. */
async function fill(store: PostgresEventStore, events: number): Promise<number> {
  const streams = Math.ceil(events / STREAM_EVENTS);
  let done = 0;
  let lastLog = performance.now();
  const ms = await runWriters(streams, WRITERS, async () => {
    if (done >= streams) return;
    done++;
    const id = randomUUID();
    await store.append(`pledge-${id}`, pledgeEvents(id, 1, STREAM_EVENTS), { expectedVersion: 'no_stream', context: ctx });
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  … ${fmt(done * STREAM_EVENTS)} events  ${load()}`);
    }
  });
  return Math.round((streams * STREAM_EVENTS * 1000) / ms);
}

function freshProcess(readerUrl: string, mode: 'audit' | 'raw'): VerifyFigure {
  const out = execFileSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'verify-child.ts'), readerUrl, mode], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as VerifyFigure;
}
interface VerifyFigure {
  mode: string;
  events: number;
  streams: number;
  ok: boolean;
  ms: number;
  perSec: number;
  cpuMs: number;
  baselineRssMb: number;
  peakRssMb: number;
}

async function startService(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/audit/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(PORT),
      LOG_LEVEL: 'warn',
      // No checkpoint on a schedule or every N events: a catch-up of the filled store would share the CPUs with the figure.
      VANGUARD_CHECKPOINT_INTERVAL_SEC: '0',
      VANGUARD_CHECKPOINT_EVERY_EVENTS: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await untilReady(child, PORT);
  return child;
}

function logExport(e: ExportLogFigure): void {
  log(`exporting the whole log through the service (target ≥ 100,000 events/s):`);
  log(
    `  GET /transparency/evaluation/export-log  ${fmt(e.exportPerSec)} events/s (${fmt(e.events)} events, ${(e.bytes / 1e6).toFixed(0)} MB in ${(e.exportMs / 1000).toFixed(1)} s, ${e.exportMbPerSec} MB/s), service CPU ${(e.serviceCpuMsPerMillionEvents / 1000).toFixed(1)} s per million — ${met(e.verified && e.exportPerSec >= 100_000)}`,
  );
  log(`  before it, the first checkpoint (the log reading the store)  ${(e.catchUpMs / 1000).toFixed(1)} s`);
  log(
    `  the file checked offline by the lib's verifier  ${fmt(e.verifyPerSec)} events/s (${(e.verifyMs / 1000).toFixed(1)} s), ${e.verified ? 'verified' : 'NOT verified'}`,
  );
}

const line = (f: Figure): string =>
  `${String(f.perSecond).padStart(6)}/s  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms${f.serviceCpuMsPerRequest !== undefined ? `  service CPU ${f.serviceCpuMsPerRequest} ms/req` : ''}${f.errors ? `  errors ${f.errors}` : ''}`;

async function main(): Promise<void> {
  const started = Date.now();
  const result: Record<string, unknown> = { database: DB, events: EVENTS, streamEvents: STREAM_EVENTS, concurrency: CONCURRENCY };
  log(`bench:audit service — ${fmt(EVENTS)} events in streams of ${STREAM_EVENTS}, database ${DB}  ${load()}`);
  const db = await freshBenchDatabase(DB);
  const admin = new Pool({ connectionString: db.url, max: WRITERS + 2 });
  const readerUrl = auditReaderUrl(db.url);
  const reader = new Pool({ connectionString: readerUrl, max: CONCURRENCY });
  // pg's Pool.end() resolves before its connections have closed: the drop's FORCE ends one still
  // closing, whose FATAL would be an unhandled 'error' on an idle client and crash the run.
  for (const p of [admin, reader]) p.on('error', () => undefined);
  let service: ChildProcess | undefined;
  try {
    // 0. the stores
    const store = new PostgresEventStore(admin, { schema: 'evaluation' });
    const asOfId = randomUUID();
    const asOfStream = `pledge-${asOfId}`;
    for (let b = 0; b < 10; b++)
      await store.append(asOfStream, pledgeEvents(asOfId, b * 100 + 1, 100), {
        expectedVersion: b === 0 ? 'no_stream' : b * 100,
        context: ctx,
      });
    const fillRate = await fill(store, EVENTS);
    const { rows } = await admin.query<{ n: string }>('select count(*) as n from evaluation.events');
    const stored = Number(rows[0]!.n);
    log(`filled: ${fmt(stored)} events in the evaluation store at ${fmt(fillRate)} events/s (store.append, ${WRITERS} writers)  ${load()}`);
    await admin.query('vacuum (analyze)');
    await admin.query('checkpoint');
    result['fill'] = { events: stored, eventsPerSecond: fillRate };

    // 1. as-of through the service
    service = await startService(db.url);
    const pid = service.pid ?? 0;
    const token = await tokenFor('province.auditor');
    const path = () => `/streams/${asOfStream}/as-of?at=${encodeURIComponent(new Date().toISOString())}`;
    const first = await call(PORT, 'GET', path(), token);
    const folded = first.status === 200 ? (JSON.parse(first.body) as { version: number; state: { percent: number } }) : null;
    if (folded?.version !== 1000) throw new Error(`as-of answered ${first.status} ${first.body.slice(0, 300)}`);
    const sendAsOf = async (_: number, sample: (ms: number, ok: boolean) => void) => {
      const t = performance.now();
      const r = await call(PORT, 'GET', path(), token);
      sample(performance.now() - t, r.status === 200);
    };
    const lib = new PostgresEventStore(reader, {
      schema: 'evaluation',
      personalData: 'withheld',
      groupCommit: false,
      upcasters: evaluationUpcasters,
    });
    const fold = pledgeDecider as unknown as Parameters<typeof lib.asOf>[1];
    const libraryAsOf = async (_: number, sample: (ms: number, ok: boolean) => void) => {
      const t = performance.now();
      const r = await lib.asOf(asOfStream, fold, { recordedAt: new Date().toISOString() });
      sample(performance.now() - t, r.version === 1000);
    };
    const rawSelect = async (_: number, sample: (ms: number, ok: boolean) => void) => {
      const t = performance.now();
      const r = await reader.query('select * from evaluation.events where stream_id = $1 order by stream_version', [asOfStream]);
      sample(performance.now() - t, r.rowCount === 1000);
    };
    // At c=16 a closed loop's latency is 16 ÷ throughput on two CPUs; c=1 is one request's own time.
    const asOf: Record<string, Figure[]> = { service: [], storeLevel: [], raw: [] };
    for (const c of [CONCURRENCY, 1]) asOf['service']!.push(await closedLoop(`as-of via HTTP`, c, SECONDS, pid, sendAsOf));
    // 1b. the whole log through the same service (after as-of: its catch-up would share the CPUs)
    const exported = await exportLogFigure(PORT, token, () => cpuMs(pid));
    result['exportLog'] = { ...exported, targetPerSec: 100_000, met: exported.verified && exported.exportPerSec >= 100_000 };
    service.kill('SIGTERM');
    await new Promise((r) => service!.once('exit', r));
    service = undefined;
    for (const c of [CONCURRENCY, 1]) {
      asOf['storeLevel']!.push(await closedLoop('as-of, store level', c, SECONDS, 0, libraryAsOf));
      asOf['raw']!.push(await closedLoop('raw SELECT of the 1,000 rows', c, SECONDS, 0, rawSelect));
    }
    const ok = (f: Figure) => f.p99Ms <= 20 && f.errors === 0;
    log(`as-of of a 1,000-event stream, ${SECONDS} s each (target p99 ≤ 20 ms):`);
    for (const [i, f] of asOf['service']!.entries())
      log(
        `  GET /streams/:id/as-of (audit service) c=${String(f.concurrency).padEnd(2)} ${line(f)}  — ${met(ok(f))}${i ? '' : `  ${load()}`}`,
      );
    for (const f of asOf['storeLevel']!) log(`  store.asOf in this process (library)   c=${String(f.concurrency).padEnd(2)} ${line(f)}`);
    for (const f of asOf['raw']!) log(`  raw SELECT of the stream's 1,000 rows  c=${String(f.concurrency).padEnd(2)} ${line(f)}`);
    log(`  ${load()}`);
    result['asOf'] = { ...asOf, targetP99Ms: 20, met: asOf['service']!.map((f) => ({ concurrency: f.concurrency, met: ok(f) })) };
    logExport(exported);

    // 2. verifying everything, fresh processes
    const audit = freshProcess(readerUrl, 'audit');
    const rawRead = freshProcess(readerUrl, 'raw');
    const verifyMet = audit.ok && audit.perSec >= 150_000 && audit.peakRssMb <= 256;
    log(`verifying ${fmt(audit.events)} events in ${fmt(audit.streams)} streams, fresh process (target ≥ 150,000 events/s in ≤ 256 MB):`);
    log(
      `  verifyStores (audit service)            ${fmt(audit.perSec)} events/s (${(audit.ms / 1000).toFixed(1)} s, CPU ${fmt(audit.cpuMs)} ms), peak RSS ${audit.peakRssMb} MB (baseline ${audit.baselineRssMb}), ${audit.ok ? 'chains hold' : 'BROKEN'} — ${met(verifyMet)}`,
    );
    log(
      `  raw read of the same rows (one conn.)   ${fmt(rawRead.perSec)} events/s (${(rawRead.ms / 1000).toFixed(1)} s, CPU ${fmt(rawRead.cpuMs)} ms), peak RSS ${rawRead.peakRssMb} MB  ${load()}`,
    );
    result['verify'] = { audit, raw: rawRead, targetPerSec: 150_000, targetPeakRssMb: 256, met: verifyMet };
  } finally {
    if (service) {
      service.kill('SIGTERM');
      await new Promise((r) => service!.once('exit', r));
    }
    closeAgent();
    await Promise.all([admin.end(), reader.end()]);
    await db.drop();
  }
  result['loadAverage'] = loadavg().map((l) => Math.round(l * 100) / 100);
  result['totalSeconds'] = Math.round((Date.now() - started) / 1000);
  log(`done in ${String(result['totalSeconds'])} s; database ${DB} dropped`);
  if (JSON_OUT) writeStdout(JSON.stringify(result) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
