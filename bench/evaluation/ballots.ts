/**
 * Mass-evaluation ballots through HTTP (issue 10: 10,000 ballots ≥ 1,000/s, none counted twice),
 * beside the ceiling of the same cast statement straight on Postgres, measured in one run.
 *   node -r @swc-node/register bench/evaluation/ballots.ts [--json] [--ballots 10000] [--concurrency 32]
 *
 * Alone, it migrates the test database (as the test suites do) and starts the evaluation service as
 * its own process against it, with the per-address limit raised (all load comes from 127.0.0.1)
 * but the limiter still on the path. Given `baseUrl`, it uses a running service instead. One
 * extra ballot in ten re-uses a code already sent, so the run also proves duplicates are refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { prepareEvaluationTestDatabase } from '../../services/evaluation/test/support/evaluation-test-app';
import { ballotOptionsFromEnv } from '../../services/evaluation/src/infrastructure/mass-evaluation/ballot-options';
import { SqlBallotBox } from '../../services/evaluation/src/infrastructure/mass-evaluation/sql-ballot-box';

export interface BenchBallotsOptions {
  readonly ballots?: number;
  readonly concurrency?: number;
  /** A running evaluation service (migrated, demo tree present, per-address limit raised); else one is started. */
  readonly baseUrl?: string;
  readonly port?: number;
  /** The database the service uses, for the SQL ceiling (default: the test database the started service uses). */
  readonly databaseUrl?: string;
  readonly log?: (line: string) => void;
}

export interface BenchBallotsResult {
  readonly ballots: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Ballots in the closed window's tally beyond one per distinct code accepted, plus duplicates answered 201. */
  readonly countedTwice: number;
  readonly duplicatesRefused: number;
  readonly errors: number;
  /** CPU the service spent per ballot (only when this bench started the service). */
  readonly serviceCpuMsPerBallot?: number;
  /** The same cast statement straight on Postgres, same concurrency: the ceiling HTTP is measured against. */
  readonly sqlCeilingPerSecond: number;
}

const VILLAGE = demoOrgId('910425101201');
const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
const root = join(__dirname, '..', '..');
const agent = new Agent({ keepAlive: true, maxSockets: 512 });

function call(base: URL, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const percentile = (samples: number[], q: number) => {
  const s = [...samples].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10 : 0;
};

/** Runs `jobs` with at most `concurrency` in flight. */
async function pool<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (100/s)
};

async function startService(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/evaluation/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: infraConfig().testDatabaseUrl,
      LOG_LEVEL: 'warn',
      EVALUATION_ORG_TREE: 'off',
      EVALUATION_RELAY: 'off',
      EVALUATION_BALLOTS_PER_ADDRESS_PER_MINUTE: '100000000',
      EVALUATION_BALLOTS_PER_WINDOW_PER_SECOND: '100000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = new URL(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the evaluation service exited with ${child.exitCode}`);
    if (
      await call(base, 'GET', '/health/live', null).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error('the evaluation service was not ready within 120 s');
}

/** A port nobody listens on now (other benches may run beside this one). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });

const chinaDay = (offsetDays = 0) => new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

async function openWithCodes(base: URL, token: string, n: number): Promise<{ windowId: string; codes: string[] }> {
  const opened = await call(base, 'POST', '/mass-evaluations', token, {
    subject: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    eligibleVoters: n,
    opensOn: chinaDay(),
    closesOn: chinaDay(7),
  });
  if (opened.status !== 201) throw new Error(`open: ${opened.status} ${opened.body}`);
  const { windowId } = JSON.parse(opened.body) as { windowId: string };
  const codes: string[] = [];
  while (codes.length < n) {
    const count = Math.min(2000, n - codes.length);
    const r = await call(base, 'POST', `/mass-evaluations/${windowId}/codes`, token, { count, format: 'json' });
    if (r.status !== 201) throw new Error(`codes: ${r.status} ${r.body}`);
    codes.push(...(JSON.parse(r.body) as { codes: string[] }).codes);
  }
  return { windowId, codes };
}

/** 10,000 ballots (by default) through HTTP, then the close's tally checked against the codes accepted. */
export async function benchBallots(opts: BenchBallotsOptions = {}): Promise<BenchBallotsResult> {
  const n = opts.ballots ?? 10_000;
  const concurrency = opts.concurrency ?? 32;
  const log = opts.log ?? (() => undefined);
  let child: ChildProcess | undefined;
  const port = opts.port ?? (await freePort());
  if (!opts.baseUrl) {
    await prepareEvaluationTestDatabase();
    child = await startService(port);
  }
  const base = new URL(opts.baseUrl ?? `http://127.0.0.1:${port}`);
  try {
    const token = await tokenFor('township.secretary');
    const { windowId, codes } = await openWithCodes(base, token, n);
    // Every code once, and one in ten again at a random later point: a duplicate must never count.
    const sends = [
      ...codes.map((code, i) => ({ code, i })),
      ...codes.filter((_, i) => i % 10 === 0).map((code, i) => ({ code, i: n + i })),
    ];
    for (let i = sends.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [sends[i], sends[j]] = [sends[j]!, sends[i]!];
    }
    const latencies: number[] = [];
    const cpuBefore = child?.pid ? cpuMs(child.pid) : 0;
    const started = performance.now();
    const answers = await pool(
      sends.map(({ code, i }) => async () => {
        const t = performance.now();
        const r = await call(base, 'POST', `/mass-evaluations/${windowId}/ballots`, null, { code, rating: RATINGS[i % 3] });
        latencies.push(performance.now() - t);
        return { code, status: r.status };
      }),
      concurrency,
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = child?.pid ? cpuMs(child.pid) - cpuBefore : undefined;
    const accepted = answers.filter((a) => a.status === 201);
    const distinct = new Set(accepted.map((a) => a.code)).size;
    const errors = answers.filter((a) => a.status !== 201 && a.status !== 403).length;
    const closed = await call(base, 'POST', `/mass-evaluations/${windowId}/close`, token);
    if (closed.status !== 200) throw new Error(`close: ${closed.status} ${closed.body}`);
    const view = JSON.parse((await call(base, 'GET', `/mass-evaluations/${windowId}`, token)).body) as {
      tally: { satisfied: number; basicallySatisfied: number; dissatisfied: number };
    };
    const tallied = view.tally.satisfied + view.tally.basicallySatisfied + view.tally.dissatisfied;
    const sqlCeilingPerSecond = await sqlCeiling(
      base,
      token,
      opts.databaseUrl ?? infraConfig().testDatabaseUrl,
      Math.min(n, 5000),
      concurrency,
    );
    const result: BenchBallotsResult = {
      ballots: distinct,
      perSecond: Math.round(sends.length / seconds),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      countedTwice: accepted.length - distinct + Math.max(0, tallied - distinct),
      duplicatesRefused: answers.filter((a) => a.status === 403).length,
      errors,
      ...(cpu !== undefined ? { serviceCpuMsPerBallot: Math.round((cpu / sends.length) * 100) / 100 } : {}),
      sqlCeilingPerSecond,
    };
    log(
      `ballots through HTTP  c=${concurrency}  ${result.perSecond} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  ` +
        `counted ${distinct} of ${n}, tally ${tallied}, counted twice ${result.countedTwice}, duplicates refused ${result.duplicatesRefused}` +
        (result.serviceCpuMsPerBallot !== undefined ? `  service CPU ${result.serviceCpuMsPerBallot} ms/req` : '') +
        `  |  same statement on Postgres: ${sqlCeilingPerSecond}/s`,
    );
    return result;
  } finally {
    child?.kill('SIGTERM');
  }
}

/** The cast statement alone (the service's own SqlBallotBox, no HTTP), on a fresh window. */
async function sqlCeiling(base: URL, token: string, databaseUrl: string, n: number, concurrency: number): Promise<number> {
  const { windowId, codes } = await openWithCodes(base, token, n);
  const db = new Pool({
    connectionString: serviceDatabaseUrl('evaluation', databaseUrl),
    max: concurrency,
  });
  try {
    const box = new SqlBallotBox(db, ballotOptionsFromEnv().codeKey, new PostgresEventStore(db, { schema: 'evaluation' }));
    const today = chinaDay();
    const started = performance.now();
    await pool(
      codes.map((code) => () => box.cast(windowId, code, { rating: 'satisfied', comment: null }, today)),
      concurrency,
    );
    const perSecond = Math.round(n / ((performance.now() - started) / 1000));
    await call(base, 'POST', `/mass-evaluations/${windowId}/close`, token);
    return perSecond;
  } finally {
    await db.end();
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const arg = (name: string, d: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : d);
  const json = argv.includes('--json');
  benchBallots({
    ballots: Number(arg('ballots', '10000')),
    concurrency: Number(arg('concurrency', '32')),
    log: (line) => (json ? process.stderr : process.stdout).write(`${line}\n`),
  }).then(
    (r) => {
      if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
