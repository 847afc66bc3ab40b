/**
 * Publicity service benchmark (issue 15):
 *   npm run bench:publicity [-- --json] [--seconds 10] [--concurrency 16] [--readers 32] [--roll 2000] [--profile roll.cpuprofile] [--reads-only]
 *
 * 1. Raw Postgres INSERT ceiling: the rows one article publication writes (article, publication,
 *    stream version, outbox event) in one transaction, straight SQL, `--concurrency` clients.
 * 2. Commands over HTTP with a real Keycloak token (county.editor): create an article, submit it,
 *    publish it (→ ArticlePublished in the outbox), `--concurrency` articles at a time;
 *    commands/s and p50/p99 per command.
 * 3. The public honour roll with no token, a roll of `--roll` decided commendations (a third with
 *    a published story), page of 50, `--readers` keep-alive clients: plain reads (target ≥ 2,000/s,
 *    p99 ≤ 50 ms) and conditional reads answered 304 (target ≥ 5,000/s), beside the Postgres
 *    ceiling of the query an uncached read runs.
 *
 * The data goes into a schema of its own in the test database, dropped afterwards; the service
 * runs as a child process (bench/publicity/child.ts: the whole module as `npm start` runs it,
 * LOG_LEVEL=warn, relay and consumers off, the per-address read limit raised), so its CPU is
 * its own; the load generator shares the machine's cores with it. `--profile <file>` writes the
 * service's CPU profile of the plain-read phase (open it in Chrome DevTools). `--reads-only` skips
 * 1 and 2 (no Keycloak needed), for comparing the read path before and after a change.
 *
 * The roll's readers read the status and drop the body undecoded, through a lean keep-alive client
 * (raw-client.ts; `--node-client` uses Node's http client instead): the load generator runs on the
 * service's cores, and what it spends there is taken from the service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { tokenFor, type TestSchema } from '@vanguard/testing';
import { call, closeAgent, closedLoop, cpuMs, percentile, type Figure, untilReady } from '../evaluation/http-load';
import { createPublicitySchema, VILLAGE } from '../../services/publicity/test/support/publicity-test-app';
import { RawGetPool } from './raw-client';

const argv = process.argv.slice(2);
const num = (n: string, d: number) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const JSON_OUT = argv.includes('--json');
const SECONDS = num('seconds', 10);
const CONCURRENCY = num('concurrency', 16);
const READERS = num('readers', 32);
const ROLL = num('roll', 2000);
const PORT = num('port', 3905);
const PROFILE = argv.includes('--profile') ? argv[argv.indexOf('--profile') + 1] : undefined;
const READS_ONLY = argv.includes('--reads-only');
const NODE_CLIENT = argv.includes('--node-client');
const log = (s: string) => (JSON_OUT ? process.stderr.write(`${s}\n`) : console.log(s));
const load = () =>
  `load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const root = join(__dirname, '..', '..');

let firstFailure: string | undefined;
/** A failed request counts as an error (the first one's message is shown), not the end of the run. */
const failed =
  <T>(value: T) =>
  (e: unknown): T => {
    firstFailure ??= e instanceof Error ? e.message : String(e);
    return value;
  };

const line = (f: Figure, target: string) =>
  log(
    `${f.name.padEnd(44)} ${String(f.perSecond).padStart(6)}/s  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms` +
      `${f.serviceCpuMsPerRequest === undefined ? '' : `  service CPU ${f.serviceCpuMsPerRequest} ms/req`}` +
      `${f.errors ? `  errors ${f.errors}${firstFailure ? ` (first: ${firstFailure})` : ''}` : ''}  (${target})  ${load()}`,
  );
async function startService(url: string, schema: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/publicity/child.ts', url, schema, String(PORT)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...(PROFILE ? { BENCH_PROFILE: PROFILE } : {}) },
    stdio: [PROFILE ? 'pipe' : 'ignore', 'ignore', 'inherit'],
  });
  await untilReady(child, PORT);
  return child;
}

const revalidator = new Agent({ keepAlive: true, maxSockets: 256 });
const raw = new RawGetPool(PORT);
/** A GET without a token, with an ETag held or not: the status only (304 when unchanged), the body dropped undecoded. */
async function rollGet(path: string, etag?: string): Promise<number> {
  if (NODE_CLIENT) return nodeRollGet(path, etag);
  return raw.get(path, etag ? { 'If-None-Match': etag } : {});
}

function nodeRollGet(path: string, etag?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = etag ? { 'if-none-match': etag } : {};
    const req = request({ host: '127.0.0.1', port: PORT, path, agent: revalidator, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Commendations on the roll, a third with a published story, as the consumer and the editor would leave them. */
async function seedRoll(pool: import('pg').Pool): Promise<void> {
  await pool.query(
    `insert into commendations (nomination_id, programme_id, category, nominee_kind, nominee_id, name, org_id, org_name, document_number, decided_on)
     select gen_random_uuid(), gen_random_uuid(), 'outstanding_member', 'member', gen_random_uuid(), '党员' || g, $1, '红石村党支部',
            '松组发〔2026〕' || g || '号', current_date - (g % 365)
       from generate_series(1, $2::int) g`,
    [VILLAGE, ROLL],
  );
  await pool.query(
    `insert into exemplars (id, status, source_kind, source_stream, source_event_id, nomination_id, subject_kind, subject_id, name,
                            org_id, org_name, category, story, proposed_at, published_on)
     select gen_random_uuid(), 'published', 'commendation', 'nomination-' || nomination_id, gen_random_uuid(), nomination_id, 'member',
            nominee_id, name, org_id, org_name, category, '<p>' || repeat('带领群众发展合作社，修通进村路。', 12) || '</p>', now(), current_date
       from commendations where abs(hashtext(nomination_id::text)) % 3 = 0`,
  );
  await pool.query(`update honour_roll_state set version = version + 1, changed_at = now() where id = 1`);
  await pool.query('analyze');
}

/** `concurrency` articles at a time through create → submit → publish; latencies per command. */
async function commands(token: string): Promise<{ commandsPerSecond: number; articles: number; errors: number; commands: object[] }> {
  const samples: Record<string, number[]> = { 'create article': [], submit: [], 'publish (→ ArticlePublished)': [] };
  let errors = 0;
  let articles = 0;
  const timed = async (name: string, method: string, path: string, body: object, expect: number) => {
    const t = performance.now();
    const r = await call(PORT, method, path, token, body);
    samples[name]!.push(performance.now() - t);
    if (r.status === expect) return JSON.parse(r.body) as { id: string };
    if (++errors <= 3) log(`  ${name}: ${r.status} ${r.body.slice(0, 300)}`);
    return null;
  };
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const made = await timed(
          'create article',
          'POST',
          '/articles',
          { orgId: VILLAGE, title: '压测稿件', body: '<p>一季一先锋</p>' },
          201,
        );
        if (!made || !(await timed('submit', 'POST', `/articles/${made.id}/submit`, {}, 200))) continue;
        const pub = { outlet: '松林日报', level: 'county', channel: 'press', publishedOn: today };
        if (await timed('publish (→ ArticlePublished)', 'POST', `/articles/${made.id}/publications`, pub, 201)) articles++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const all = Object.values(samples).flat();
  const perCommand = Object.entries(samples).map(([command, s]) => ({
    command,
    count: s.length,
    p50Ms: percentile(s, 0.5),
    p99Ms: percentile(s, 0.99),
  }));
  return { commandsPerSecond: Math.round(all.length / seconds), articles, errors, commands: perCommand };
}

async function main(): Promise<void> {
  log(`start: ${load()}`);
  const schema = await createPublicitySchema('publicity_bench');
  let service: ChildProcess | undefined;
  const figures: Record<string, unknown> = {};
  try {
    await seedRoll(schema.pool);
    service = await startService(schema.url, schema.schema);
    const pid = service.pid ?? 0;

    log(
      `the load generator (this process, ${NODE_CLIENT ? "Node's http client" : 'lean keep-alive client'}) shares the machine's ${cpus().length} cores with the service and its neighbours`,
    );
    if (!READS_ONLY) await writes(schema, pid, figures);

    // 3. The public roll: what an uncached read costs Postgres, then the service under read load.
    const readCeiling = await closedLoop('SQL ceiling: roll version + page of 50', READERS, SECONDS, 0, async (_, sample) => {
      const t = performance.now();
      await schema.pool.query(`select version::text from honour_roll_state where id = 1`);
      await schema.pool.query(
        `select c.name, c.org_name, c.category, c.document_number, c.decided_on, e.story, count(*) over () as total
           from commendations c left join exemplars e on e.nomination_id = c.nomination_id and e.status = 'published'
          where c.revoked_on is null order by c.decided_on desc, c.nomination_id limit 50`,
      );
      sample(performance.now() - t, true);
    });
    line(readCeiling, 'what an uncached read costs; no target');
    const first = await fetch(`http://127.0.0.1:${PORT}/honour-roll?limit=50`);
    const etag = first.headers.get('etag');
    if (first.status !== 200 || !etag) throw new Error(`the honour roll answered ${first.status}`);
    if (PROFILE) service.stdin?.write('start\n');
    const reads = await closedLoop('HTTP honour roll, no token (200)', READERS, SECONDS, pid, async (_, sample) => {
      const t = performance.now();
      // A reset connection is counted as an error, not the end of the run.
      const status = await rollGet('/honour-roll?limit=50').catch(failed(0));
      sample(performance.now() - t, status === 200);
    });
    if (PROFILE) service.stdin?.write('stop\n');
    line(reads, 'target ≥ 2,000/s, p99 ≤ 50 ms');
    const conditional = await closedLoop('HTTP honour roll, If-None-Match (304)', READERS, SECONDS, pid, async (_, sample) => {
      const t = performance.now();
      const status = await rollGet('/honour-roll?limit=50', etag).catch(failed(0));
      sample(performance.now() - t, status === 304);
    });
    line(conditional, 'target ≥ 5,000/s');
    figures['readCeiling'] = readCeiling;
    figures['rollReads'] = { ...reads, targetPerSecond: 2000, targetP99Ms: 50 };
    figures['rollConditional'] = { ...conditional, targetPerSecond: 5000 };
    log(`end: ${load()}`);
  } finally {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM');
      await new Promise((r) => service!.once('exit', r));
    }
    closeAgent();
    revalidator.destroy();
    raw.close();
    await schema.drop();
  }
  if (JSON_OUT) process.stdout.write(`${JSON.stringify({ roll: ROLL, concurrency: CONCURRENCY, readers: READERS, ...figures })}\n`);
}

/** 1 and 2: the INSERT ceiling of a publication, then publications over HTTP with a real token. */
async function writes(schema: TestSchema, pid: number, figures: Record<string, unknown>): Promise<void> {
  // 1. The INSERT ceiling: one publication's rows in one transaction, no HTTP, no Nest.
  const insertCeiling = await closedLoop('SQL ceiling: publication rows (1 tx)', CONCURRENCY, SECONDS, 0, async (_, sample) => {
    const client = await schema.pool.connect();
    const t = performance.now();
    try {
      const id = randomUUID();
      await client.query('begin');
      await client.query(
        `insert into articles (id, org_id, title, body_html, status, author_sub, created_at, updated_at)
           values ($1, $2, '压测稿件', '<p>一季一先锋</p>', 'published', 'bench', now(), now())`,
        [id, VILLAGE],
      );
      await client.query(
        `insert into article_publications (article_id, outlet, outlet_key, level, channel, published_on, recorded_by)
           values ($1, '松林日报', '松林日报', 'county', 'press', current_date, 'bench')`,
        [id],
      );
      await client.query(
        `insert into stream_versions (stream_id, version) values ($1, 1)
           on conflict (stream_id) do update set version = stream_versions.version + 1`,
        [`article-${id}`],
      );
      await client.query(
        `insert into vanguard_outbox (event_id, event_type, event_version, stream_id, topic, envelope) values ($1, 'x', 1, $2, 't', '{}')`,
        [randomUUID(), `article-${id}`],
      );
      await client.query('commit');
      sample(performance.now() - t, true);
    } catch {
      await client.query('rollback');
      sample(performance.now() - t, false);
    } finally {
      client.release();
    }
  });
  line(insertCeiling, 'ceiling, no target');
  figures['insertCeiling'] = insertCeiling;

  // 2. Commands over HTTP with a real token.
  const token = await tokenFor('county.editor');
  const cpuBefore = cpuMs(pid);
  const cmd = await commands(token);
  log(
    `HTTP commands (create → submit → publish)        ${String(cmd.commandsPerSecond).padStart(6)}/s  ${cmd.articles} articles published` +
      `${cmd.errors ? `, ${cmd.errors} errors` : ''}  service CPU ${Math.round((cpuMs(pid) - cpuBefore) / Math.max(1, cmd.articles * 3))} ms/command  (no target in the issue)  ${load()}`,
  );
  for (const c of cmd.commands as { command: string; count: number; p50Ms: number; p99Ms: number }[])
    log(`  ${c.command.padEnd(30)} ${c.count} × p50 ${c.p50Ms} ms  p99 ${c.p99Ms} ms`);
  figures['commands'] = cmd;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  // Not process.exit: the figures already logged to a pipe are still being written.
  process.exitCode = 1;
});
