/**
 * Assistance benchmark: disbursement commands and per-county totals through HTTP with a real
 * Keycloak token, beside the raw Postgres ceiling of the same work.
 *   node -r @swc-node/register bench/assistance/run.ts [--json] [--projects 10000] [--disbursements 100000]
 *        [--seconds 10] [--concurrency 16]
 *
 * The scale is --projects 100000 --disbursements 1000000 (several minutes of seeding on
 * the shared 2-core machine). The data goes into a schema of its own in the test database,
 * dropped afterwards. The service runs in a process of its own (bench/assistance/service.ts;
 * roster consumer off; the relay on, publishing to a topic of the bench's own), as `npm start` runs it: this process is the load generator, and
 * on a 2-core machine the two still share the CPUs. Each HTTP figure also gives the CPU the
 * service process spent per request, comparable across runs however busy the machine is.
 * `--cpu-prof DIR` makes the service write a V8 CPU profile there when it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once as onceEvent } from 'node:events';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';
import { demoOrgId } from '@vanguard/infra-config';
import { createTestSchema, tokenFor } from '@vanguard/testing';
import type { Pool } from 'pg';
import { assistanceMigrations } from '../../services/assistance/src/infrastructure/migrations';
import { FUND_TOTALS } from '../../services/assistance/src/infrastructure/persistence/pg-oversight-read-model';
import { bootstrapDemoRoster } from '../../services/assistance/test/support/assistance-test-app';
import { benchRelayTopic } from '../shared/relay-topic';
import { disbursementPaths } from './sql-paths';
import { processCpuMs } from '../shared/process-cpu';

const argv = process.argv.slice(2);
const num = (n: string, d: number) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const JSON_OUT = argv.includes('--json');
const CPU_PROF = argv.indexOf('--cpu-prof') >= 0 ? argv[argv.indexOf('--cpu-prof') + 1] : undefined;
const PROJECTS = num('projects', 10_000);
const DISBURSEMENTS = num('disbursements', 100_000);
const SECONDS = num('seconds', 10);
const CONCURRENCY = num('concurrency', 16);
const VILLAGES = 500;
const log = (...a: unknown[]) => (JSON_OUT ? process.stderr.write(`${a.join(' ')}\n`) : console.log(...a));
const COUNTY = demoOrgId('910425');
const TOWN = demoOrgId('910425101');

interface Figure {
  readonly name: string;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** CPU the service process spent per request (HTTP figures only). */
  readonly serviceCpuMsPerRequest?: number;
}

function percentile(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10 : 0;
}

/**
 * `workers` loops calling `once` for `seconds`; latency per call, errors counted; with `servicePid`,
 * the service's CPU per call too.
 */
async function load(name: string, seconds: number, workers: number, once: () => Promise<boolean>, servicePid?: number): Promise<Figure> {
  const cpuBefore = servicePid ? processCpuMs(servicePid) : 0;
  const samples: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        const ok = await once().catch(() => false);
        samples.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const f = {
    name,
    requests: samples.length,
    perSecond: Math.round(samples.length / elapsed),
    p50Ms: percentile(samples, 0.5),
    p99Ms: percentile(samples, 0.99),
    errors,
    ...(servicePid && { serviceCpuMsPerRequest: Math.round(((processCpuMs(servicePid) - cpuBefore) / samples.length) * 100) / 100 }),
  };
  const cpu = f.serviceCpuMsPerRequest === undefined ? '' : `  service CPU ${f.serviceCpuMsPerRequest} ms/req`;
  log(`${name.padEnd(34)} ${String(f.perSecond).padStart(6)}/s  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  errors ${errors}${cpu}`);
  return f;
}

/** The service in its own process over the bench's schema; resolves with it and its port once it listens. */
async function startService(url: string, schema: string, relayTopic: string): Promise<{ child: ChildProcess; port: number }> {
  const prof = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [];
  const child = spawn(process.execPath, [...prof, '-r', '@swc-node/register', join(__dirname, 'service.ts'), url, schema, relayTopic], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<number>((resolve, reject) => {
    lines.on('line', (l) => l.startsWith('ready ') && resolve(Number(l.slice(6))));
    child.once('exit', (code) => reject(new Error(`the bench's service exited with ${code} before it listened`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the bench service did not listen within 120 s')), 120_000);
  });
  try {
    return { child, port: await Promise.race([ready, timeout]) };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Villages under 白桦镇, projects spread over them, each funded well beyond what the bench pays out, and history. */
async function seed(pool: Pool): Promise<void> {
  await bootstrapDemoRoster(pool);
  await pool.query(
    `insert into roster_organizations (id, parent_id, path, code, name, level, sector, status, version)
     select gen_random_uuid(), $1::uuid, array[$2::uuid, $3::uuid, $4::uuid, $1::uuid], '910425101' || (300 + g), '村' || g, 'village', 'rural', 'active', 0
       from generate_series(1, $5::int) g
     on conflict do nothing`,
    [TOWN, demoOrgId('91'), demoOrgId('9104'), COUNTY, VILLAGES],
  );
  await pool.query(`update roster_organizations set path = path || id where parent_id = $1 and level = 'village'`, [TOWN]);
  await pool.query(
    `insert into projects (id, org_id, name, category, budget_fen, beneficiary_households, status, planned_on, last_step_on, recorded_at)
     select gen_random_uuid(), v.id, '项目' || g, 'road_hardening', 1000000000000, 10, 'in_progress', current_date - 30, current_date - 30, now()
       from generate_series(1, $1::int) g
       join lateral (select id from roster_organizations where parent_id = $2 and level = 'village' offset (g % $3) limit 1) v on true`,
    [PROJECTS, TOWN, VILLAGES],
  );
  const perProject = Math.max(1, Math.floor(DISBURSEMENTS / PROJECTS));
  // Balances as the history leaves them, in one insert: the totals' statement trigger adds them up once.
  await pool.query(
    `insert into fund_balances (project_id, source, allocated_fen, disbursed_fen)
     select id, 'fiscal', 1000000000000, 100 * $1::bigint from projects`,
    [perProject],
  );
  await pool.query(
    `insert into fund_movements (id, project_id, source, kind, amount_fen, on_day, purpose, balance_after_fen, recorded_at, recorded_by)
     select gen_random_uuid(), p.id, 'fiscal', 'disbursement', 100, current_date - 1, '历史', 1000000000000 - 100 * k, now(), 'bench'
       from projects p, generate_series(1, $1::int) k`,
    [perProject],
  );
  await pool.query('analyze');
}

async function main(): Promise<void> {
  process.env['LOG_LEVEL'] ??= 'warn';
  const schema = await createTestSchema('assistance_bench');
  const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, migrations: assistanceMigrations });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  let service: ChildProcess | undefined;
  let relay: Awaited<ReturnType<typeof benchRelayTopic>> | undefined;
  try {
    relay = await benchRelayTopic('assistance');
    const t0 = Date.now();
    await seed(schema.pool);
    const ids = (await schema.pool.query<{ id: string }>(`select id from projects`)).rows.map((r) => r.id);
    log(
      `seeded ${ids.length.toLocaleString('en')} projects, ~${DISBURSEMENTS.toLocaleString('en')} disbursements in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    const started = await startService(schema.url, schema.schema, relay.topic);
    service = started.child;
    const { port } = started;
    const token = await tokenFor('county.assistance');
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    const call = (method: string, path: string, body?: unknown): Promise<number> => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            agent,
            headers: {
              authorization: `Bearer ${token}`,
              // Every command with its own key, as a client must send a money movement (ADR 0072): the claim and the kept answer are in the figure.
              ...(method !== 'GET' && { 'idempotency-key': randomUUID() }),
              ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    };
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

    const figures: Figure[] = [];
    figures.push(
      await load(
        'HTTP POST disbursement',
        SECONDS,
        CONCURRENCY,
        async () => {
          const status = await call('POST', `/projects/${pick()}/disbursements`, {
            source: 'fiscal',
            amountFen: 100,
            on: today,
            purpose: '压测',
          });
          return status === 201;
        },
        service.pid,
      ),
    );
    const drain = await relay.drained(async () =>
      Number((await schema.pool.query<{ n: string }>('select count(*) as n from vanguard_outbox where published_at is null')).rows[0]!.n),
    );
    log(`  relay: ${drain.waiting} events still in the outbox when the load stopped, all published ${drain.seconds.toFixed(1)} s later`);
    // The same statements as one disbursement command, through the service's own repositories on a
    // plain pg client (no Nest, no TypeORM, no domain): the service's path (ADR 0073), 2 round
    // trips, or the locked path's 5 after them should the guard find the balance changed; the
    // locked path alone too (bench/assistance/sql-paths.ts).
    const paths = disbursementPaths(schema.pool, COUNTY, ids[0]!);
    const succeeds = (attempt: Promise<void>) =>
      attempt.then(
        () => true,
        () => false,
      );
    figures.push(await load('SQL ceiling: disbursement', SECONDS, CONCURRENCY, () => succeeds(paths.optimistic(pick()))));
    log(`  (guard misses, run again on the locked path: ${paths.misses()})`);
    figures.push(await load('SQL ceiling: disbursement, locked', SECONDS, CONCURRENCY, () => succeeds(paths.locked(pick()))));
    figures.push(
      await load('HTTP GET county totals', SECONDS, 4, async () => (await call('GET', `/totals/${COUNTY}`)) === 200, service.pid),
    );
    // The service's own statement (scope and the sum of the county's slots in one round trip).
    figures.push(
      await load('SQL ceiling: county totals', SECONDS, 4, async () => {
        const { rows } = await schema.pool.query(FUND_TOTALS, [COUNTY, COUNTY]);
        return rows[0]?.within === true;
      }),
    );
    if (JSON_OUT)
      process.stdout.write(
        `${JSON.stringify({ projects: ids.length, disbursements: DISBURSEMENTS, concurrency: CONCURRENCY, figures })}\n`,
      );
  } finally {
    if (service && service.exitCode === null && service.signalCode === null) {
      const exited = onceEvent(service, 'exit');
      service.kill('SIGTERM');
      // A shutdown that stalls must not keep the bench's schema: killed after 30 s.
      const stalled = setTimeout(() => service?.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(stalled);
    }
    try {
      await schema.drop();
    } finally {
      await relay?.drop();
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
