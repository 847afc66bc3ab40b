/**
 * Evaluation service benchmarks (issue 10), in one run beside the raw Postgres ceiling:
 *   npm run bench:evaluation [-- --json] [--seconds 10] [--concurrency 16,32] [--events 1000000] [--quick]
 *
 * 1. Pledge lifecycle commands through HTTP (make → file → publish → progress → fulfil) with
 *    real Keycloak tokens, the service in a child process as `npm start` runs it; target ≥ 500/s,
 *    p99 ≤ 100 ms. Meanwhile the projection lag: from a command's answer to its version showing
 *    in pledge_view (polled every 20 ms, so a figure is up to 20 ms late); target p99 ≤ 500 ms.
 * 2. The raw ceiling: one-row INSERT transactions, and INSERT + NOTIFY, at the same concurrency.
 * 3. Rebuilding the projections from 1,000,000 events; target ≥ 20,000 events/s.
 * 4. Ballots, from bench/evaluation/ballots.ts when its slice has landed.
 *
 * Everything runs in a database of its own (`vanguard_bench_evaluation`, dropped and made
 * afresh, migrated as `npm run migrate` would), never the platform's. The relay runs, as under
 * `npm start`, but publishes to a topic of the bench's own (bench/evaluation/service.ts; bench
 * events must not reach the platform's topic); the org-tree consumer is off (the demo tree is
 * bootstrapped instead). The ballots' service (ballots.ts) runs on the test database without
 * the relay: there it would first publish every earlier test run's events.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { withCeiling } from '../organization/ceilings';
import { migrate as migrateAll } from '../../scripts/migrate';
import { bootstrapDemoTree } from '@vanguard/auth';
import { benchRelayTopic } from '../shared/relay-topic';
import { call, closeAgent, closedLoop, type Figure, untilReady } from './http-load';
import { benchRebuild, type RebuildFigure } from './rebuild';
import { LagWatch } from './lag';

const argv = process.argv.slice(2);
const arg = (n: string, d: string) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? argv[i + 1]! : d;
};
const JSON_OUT = argv.includes('--json');
const QUICK = argv.includes('--quick');
const SECONDS = Number(arg('seconds', QUICK ? '4' : '10'));
const CONCURRENCY = arg('concurrency', QUICK ? '16' : '16,32')
  .split(',')
  .map(Number);
const EVENTS = Number(arg('events', QUICK ? '100000' : '1000000'));
const PORT = Number(arg('port', '3902'));
const DB = process.env['VANGUARD_BENCH_EVALUATION_DB'] ?? 'vanguard_bench_evaluation';
if (!/^[a-z_][a-z0-9_]*$/.test(DB)) throw new Error(`VANGUARD_BENCH_EVALUATION_DB must be a plain identifier, got ${DB}`);
const log = (s: string) => (JSON_OUT ? process.stderr.write(`${s}\n`) : console.log(s));
// With --json, stdout carries the one JSON object alone: what the migrations (ours and the
// ballots bench's) print goes to stderr instead.
const writeStdout = process.stdout.write.bind(process.stdout);
if (JSON_OUT) process.stdout.write = process.stderr.write.bind(process.stderr);
const root = join(__dirname, '..', '..');
const VILLAGE = demoOrgId('910425101201');
const COUNTY = demoOrgId('910425');

const line = (f: Figure) =>
  `${f.name.padEnd(36)} c=${String(f.concurrency).padEnd(3)} ${String(f.perSecond).padStart(6)}/s  p50 ${f.p50Ms.toFixed(1)} ms  p99 ${f.p99Ms.toFixed(1)} ms` +
  `${f.serviceCpuMsPerRequest !== undefined ? `  service CPU ${f.serviceCpuMsPerRequest} ms/req` : ''}${f.errors ? `  errors ${f.errors}` : ''}`;

async function freshDatabase(): Promise<string> {
  const infra = infraConfig();
  const admin = new Client({ connectionString: infra.postgresAdminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${DB} with (force)`);
  await admin.query(`create database ${DB}`);
  await admin.end();
  const url = new URL(infra.databaseUrl);
  url.pathname = `/${DB}`;
  return url.toString();
}

async function startService(databaseUrl: string, relayTopic: string): Promise<ChildProcess> {
  const prof = argv.includes('--cpu-prof') ? ['--cpu-prof', '--cpu-prof-dir', arg('cpu-prof', '.vanguard/profiles')] : [];
  const child = spawn(process.execPath, [...prof, '-r', '@swc-node/register', 'bench/evaluation/service.ts', relayTopic], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(PORT),
      LOG_LEVEL: 'warn',
      EVALUATION_ORG_TREE: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await untilReady(child, PORT);
  return child;
}

/** A campaign over 松岭旗 whose current quarter is open, by today's date in China. */
async function openCycle(organizer: string): Promise<{ campaignId: string; cycleId: string; dueOn: string }> {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));
  const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3);
  const startsOn = `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`;
  const endsOn = new Date(Date.UTC(year, q * 3 + 3, 0)).toISOString().slice(0, 10);
  const phases = [
    { phase: 'mobilise', startsOn: `${year - 1}-01-01`, endsOn: `${year - 1}-02-28` },
    { phase: 'compete', startsOn: `${year - 1}-03-01`, endsOn: `${year + 1}-06-30` },
    { phase: 'benchmark_upgrade', startsOn: `${year + 1}-07-01`, endsOn: `${year + 1}-12-31` },
    { phase: 'summarise', startsOn: `${year + 2}-01-01`, endsOn: `${year + 2}-03-31` },
  ];
  const ok = (r: { status: number; body: string }, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.body}`);
    return JSON.parse(r.body || '{}') as Record<string, string>;
  };
  const { campaignId } = ok(
    await call(PORT, 'POST', '/campaigns', organizer, { orgId: COUNTY, name: '压测创先争优活动', phases }),
    'launch',
  );
  const { cycleId } = ok(
    await call(PORT, 'POST', `/campaigns/${campaignId}/cycles`, organizer, {
      quarter: `${year}-Q${q + 1}`,
      startsOn,
      endsOn,
      themes: { default: '服务群众', bySector: {} },
    }),
    'plan',
  );
  ok(await call(PORT, 'POST', `/campaigns/${campaignId}/cycles/${cycleId}/open`, organizer), 'open');
  return { campaignId: campaignId!, cycleId: cycleId!, dueOn: endsOn };
}

async function main(): Promise<void> {
  const started = Date.now();
  const url = await freshDatabase();
  // `npm run migrate`'s own code, pointed at the bench database for this call only.
  const platformUrl = process.env['DATABASE_URL'];
  process.env['DATABASE_URL'] = url;
  try {
    await migrateAll('platform');
  } finally {
    if (platformUrl === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = platformUrl;
  }
  const admin = new Pool({ connectionString: url, max: Math.max(...CONCURRENCY) + 2 });
  const c = await admin.connect();
  await c.query('set search_path to evaluation');
  await bootstrapDemoTree(c);
  c.release();

  const relay = await benchRelayTopic('evaluation');
  const service = await startService(url, relay.topic);
  const pid = service.pid ?? 0;
  const figures: Figure[] = [];
  const lag = new LagWatch(admin);
  let lagFigure: Awaited<ReturnType<LagWatch['finish']>> | undefined;
  try {
    const [organizer, village, township] = await Promise.all(
      ['county.organizer', 'village.secretary', 'township.secretary'].map((u) => tokenFor(u)),
    );
    const cycle = await openCycle(organizer!);
    lag.start();
    for (const concurrency of CONCURRENCY) {
      const f = await closedLoop('pledge lifecycle commands (HTTP)', concurrency, SECONDS, pid, async (_, sample) => {
        const timed = async (token: string, path: string, body: object, expect: number) => {
          const t = performance.now();
          const r = await call(PORT, 'POST', path, token, body);
          const ms = performance.now() - t;
          sample(ms, r.status === expect);
          const answer = r.status === expect ? (JSON.parse(r.body) as { pledgeId?: string; version?: number }) : {};
          return answer;
        };
        const made = await timed(
          village!,
          '/pledges',
          {
            campaignId: cycle.campaignId,
            cycleId: cycle.cycleId,
            pledger: { kind: 'organization', id: VILLAGE },
            orgId: VILLAGE,
            category: 'deed_for_masses',
            content: '压测承诺',
            dueOn: cycle.dueOn,
          },
          201,
        );
        if (!made.pledgeId) return;
        lag.expect(made.pledgeId, made.version ?? 1);
        const steps: [string, string, object][] = [
          [township!, 'file', { reason: '内容具体' }],
          [village!, 'publish', {}],
          [village!, 'progress', { note: '进展', percent: 50 }],
          [township!, 'fulfil', { reason: '验收通过' }],
        ];
        for (const [token, verb, body] of steps) {
          const r = await timed(token, `/pledges/${made.pledgeId}/${verb}`, body, 200);
          if (r.version === undefined) return;
          lag.expect(made.pledgeId, r.version);
        }
      });
      figures.push(f);
      log(line(f));
      // Every event the store holds, less what the relay set aside, is on the bench's topic.
      const drain = await relay.drained(async () => {
        const { rows } = await admin.query<{ n: string }>(
          'select (select count(*) from evaluation.events) - (select count(*) from evaluation.vanguard_relay_dead_letters) as n',
        );
        return Number(rows[0]!.n) - (await relay.published());
      });
      log(`  relay: ${drain.waiting} events not yet on the topic when the load stopped, all there ${drain.seconds.toFixed(1)} s later`);
      for (const { kind, name } of [
        { kind: 'insert', name: 'raw INSERT (one row per transaction)' },
        { kind: 'notify', name: 'raw INSERT + NOTIFY trigger' },
      ] as const) {
        const ceiling = await withCeiling(admin, kind, VILLAGE, (op) =>
          closedLoop(name, concurrency, SECONDS, 0, async (i, sample) => {
            const t = performance.now();
            await op(i);
            sample(performance.now() - t, true);
          }),
        );
        figures.push(ceiling);
        log(line(ceiling));
      }
    }
    lagFigure = await lag.finish();
    log(
      `projection lag (command answered → row at its version)  p50 ${lagFigure.p50Ms} ms  p99 ${lagFigure.p99Ms} ms  over ${lagFigure.samples} commands${lagFigure.unseen ? `, ${lagFigure.unseen} unseen after 30 s` : ''}`,
    );
  } finally {
    lag.stop();
    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
    closeAgent();
    await relay.drop();
  }

  log(`rebuilding projections from ${EVENTS.toLocaleString('en')} events (appending them first, into schema bench_rebuild of ${DB})`);
  const rebuild: RebuildFigure = await benchRebuild(url, EVENTS, log);
  log(
    `rebuild: ${rebuild.eventsPerSecond.toLocaleString('en')} events/s (${rebuild.events.toLocaleString('en')} events, ${rebuild.rows.toLocaleString('en')} rows in ${rebuild.rebuildSeconds} s; appending took ${rebuild.appendSeconds} s); bench CPU ${rebuild.benchCpuMsPer1000Events} ms per 1,000 events`,
  );

  let ballots: unknown = 'not yet';
  if (existsSync(join(__dirname, 'ballots.ts'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the ballots slice lands on its own; until then there is nothing to load
    const mod = require('./ballots') as { benchBallots: (options: Record<string, unknown>) => Promise<unknown> };
    ballots = await mod.benchBallots({ log });
  } else log('ballots: not yet');
  await admin.end();

  const lifecycle = figures.filter((f) => f.name.startsWith('pledge'));
  const best = lifecycle.reduce<Figure | null>((a, b) => (!a || b.perSecond > a.perSecond ? b : a), null);
  const result = {
    database: DB,
    seconds: SECONDS,
    figures,
    lifecycle: { best, targetPerSecond: 500, targetP99Ms: 100 },
    projectionLag: { ...lagFigure, targetP99Ms: 500 },
    rebuild: { ...rebuild, targetEventsPerSecond: 20_000 },
    ballots,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  };
  if (JSON_OUT) writeStdout(JSON.stringify(result) + '\n');
  else if (best)
    log(
      `\nlifecycle: ${best.perSecond}/s p99 ${best.p99Ms} ms at c=${best.concurrency} (target ≥ 500/s, p99 ≤ 100 ms); lag p99 ${lagFigure?.p99Ms} ms (≤ 500); rebuild ${rebuild.eventsPerSecond}/s (≥ 20,000)`,
    );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
