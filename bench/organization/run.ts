/**
 * Organization benchmark on the `province` dataset (run `scripts/seed.ts --size province` first):
 *   node -r @swc-node/register bench/organization/run.ts [--json] [--import-rows N] [--skip-import] [--iterations N]
 *
 * - commands and queries through HTTP (bench/organization/http.ts: enrolment, /me, an
 *   organisation, a subtree page) beside the raw INSERT, INSERT + NOTIFY and enrolment-SQL
 *   ceilings, first and printed as they run;
 * - subtree listing of one county (松岭旗, 541 organisations, one page): the query path
 *   (scope check + SQL + mapping) and the whole HTTP round trip with a real Keycloak token;
 * - scope check: ScopeService.isWithin on the whole tree held in memory;
 * - roster import of N members (default 1,000,000) from a CSV file, streamed, in a child
 *   process whose peak RSS is reported; the imported rows are deleted afterwards.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { QueryBus } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { ScopeService } from '@vanguard/auth';
import { configureHttpApp } from '@vanguard/http';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { ListOrganizationsQuery } from '../../services/organization/src/application/queries';
import { csvLine } from '@vanguard/spreadsheet';
import type * as ConfigModule from '../../services/organization/src/organization.config';
import type * as ServiceModule from '../../services/organization/src/organization.module';
import { idNumberAt } from '../../services/organization/test/support/id-numbers';

const run = promisify(execFile);
const argv = process.argv.slice(2);
const flag = (n: string) => argv.includes(`--${n}`);
const num = (n: string, d: number) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const JSON_OUT = flag('json');
const log = (...a: unknown[]) => (JSON_OUT ? process.stderr.write(`${a.join(' ')}\n`) : console.log(...a));

function percentiles(samples: number[]): { p50: number; p95: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(s[s.length - 1]!) };
}

async function main(): Promise<void> {
  const infra = infraConfig();
  const url = new URL(serviceDatabaseUrl('organization', infra.databaseUrl));
  url.searchParams.set('options', '-c search_path=organization');
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  const county = demoOrgId('910425');
  const province = demoOrgId('91');
  const [size] = (
    await pool.query(`select (select count(*)::int from organizations) as orgs, (select count(*)::int from members) as members`)
  ).rows as [{ orgs: number; members: number }];
  log(`dataset: ${size.orgs.toLocaleString('en')} organisations, ${size.members.toLocaleString('en')} members`);
  if (size.orgs < 150_000) log('warning: smaller than the province dataset; run scripts/seed.ts --size province');
  const iterations = num('iterations', 500);

  // 0. Commands and queries through HTTP beside the Postgres ceilings, service in its own process;
  // first, while the database is as seeded (the import below leaves it vacuuming), and printed as it runs.
  log('HTTP commands and queries (bench/organization/http.ts)…');
  const httpChild = execFile(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'http.ts'), '--json'], { maxBuffer: 1 << 22 });
  httpChild.stderr?.pipe(process.stderr);
  let httpOut = '';
  httpChild.stdout?.on('data', (c: Buffer) => (httpOut += c.toString('utf8')));
  const [code] = (await once(httpChild, 'close')) as [number | null];
  if (code !== 0) throw new Error(`bench/organization/http.ts exited with ${code}`);
  const http = JSON.parse(httpOut.trim().split('\n').pop()!) as Record<string, unknown>;

  // 1. Subtree listing: the service's query path and HTTP with a real token. Per-request
  // access logs are off (LOG_LEVEL=warn unless set), so the figure is the service's own work.
  process.env['LOG_LEVEL'] ??= 'warn';
  // Required after LOG_LEVEL is set: the logging module reads it when it loads.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after LOG_LEVEL is set
  const { organizationConfig } = require('../../services/organization/src/organization.config') as typeof ConfigModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after LOG_LEVEL is set
  const { OrganizationModule } = require('../../services/organization/src/organization.module') as typeof ServiceModule;
  const config = { ...organizationConfig(infra, 'platform'), relay: false };
  const moduleRef = await Test.createTestingModule({ imports: [OrganizationModule.register(config)] }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  configureHttpApp(app, { title: 'bench', description: 'bench' });
  await app.listen(0, '127.0.0.1');
  const queries = app.get(QueryBus);
  const actor = { sub: 'bench', username: 'bench', roles: ['organizer'], orgId: county, kind: 'user' as const };
  let listed = 0;
  const querySamples: number[] = [];
  for (let i = 0; i < iterations + 50; i++) {
    const t = performance.now();
    const page = await queries.execute(new ListOrganizationsQuery(actor, { subtreeOf: county }, { limit: 200 }));
    if (i >= 50) querySamples.push(performance.now() - t);
    listed = page.items.length;
  }
  const token = await tokenFor('county.organizer');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const httpSamples: number[] = [];
  for (let i = 0; i < iterations + 50; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/organizations/${county}/subtree?limit=200`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { items: unknown[] };
    if (res.status !== 200 || body.items.length !== listed) throw new Error(`HTTP subtree listing answered ${res.status}`);
    if (i >= 50) httpSamples.push(performance.now() - t);
  }
  await app.close();
  const subtreeQuery = percentiles(querySamples);
  const subtreeHttp = percentiles(httpSamples);
  log(`subtree of 松岭旗 (${listed} organisations): query p99 ${subtreeQuery.p99} ms, HTTP p99 ${subtreeHttp.p99} ms`);

  // 2. Scope checks against the whole tree in memory.
  const scope = new ScopeService({ table: 'organizations', schema: 'organization' });
  const tLoad = performance.now();
  const loaded = await scope.load(pool);
  const loadMs = performance.now() - tLoad;
  const ids = (await pool.query<{ id: string }>(`select id from organizations order by random() limit 10000`)).rows.map((r) => r.id);
  const counties = (await pool.query<{ id: string }>(`select id from organizations where level = 'county'`)).rows.map((r) => r.id);
  const scopeSamples: number[] = [];
  let within = 0;
  for (let i = 0; i < 200_000; i++) {
    const principal = { orgId: counties[i % counties.length]! };
    const target = ids[i % ids.length]!;
    const t = process.hrtime.bigint();
    if (scope.isWithin(principal, target)) within++;
    scopeSamples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const scopeCheck = percentiles(scopeSamples);
  log(
    `scope check over ${loaded.toLocaleString('en')} organisations (loaded in ${Math.round(loadMs)} ms): p99 ${(scopeCheck.p99 * 1000).toFixed(2)} µs (${within} of 200,000 within)`,
  );

  // 3. Import N members, streamed, in a child process.
  let importResult: Record<string, unknown> | null = null;
  if (!flag('skip-import')) {
    const rows = num('import-rows', 1_000_000);
    const villages = (
      await pool.query<{ code: string }>(
        `select code from organizations where level = 'village' and status = 'active' order by code limit 5000`,
      )
    ).rows.map((r) => r.code);
    const file = join(tmpdir(), `vanguard-bench-import-${randomUUID()}.csv`);
    const out = createWriteStream(file);
    out.write(csvLine(['org_code', 'name', 'status', 'joined_on', 'roles', 'posts', 'id_number', 'phone']));
    const runId = String(Date.now() % 100_000).padStart(5, '0');
    for (let i = 0; i < rows; i++) {
      // A valid number (GB 11643) of a region no seeded member has (theirs start with 91), distinct per row.
      const id = idNumberAt(`8${runId}`, i);
      const ok = out.write(
        csvLine([
          villages[i % villages.length],
          `导入党员${i}`,
          i % 20 === 0 ? 'probationary' : 'full',
          '2005-07-01',
          i % 50 === 0 ? 'party_worker' : '',
          i % 15 === 0 ? 'pioneer_post' : '',
          id,
          `135${String(i).padStart(8, '0')}`,
        ]),
      );
      if (!ok) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const startedAt = (await pool.query<{ now: Date }>('select now()')).rows[0]!.now;
    log(`importing ${rows.toLocaleString('en')} members…`);
    try {
      // The heap is capped as the service's would be in production (NODE_OPTIONS), so V8
      // collects instead of growing: RSS then reflects what the streamed import really holds.
      const heapMb = num('heap-mb', 256);
      const { stdout } = await run(
        process.execPath,
        [`--max-old-space-size=${heapMb}`, '-r', '@swc-node/register', join(__dirname, 'import-child.ts'), url.toString(), file, province],
        {
          maxBuffer: 1 << 20,
        },
      );
      importResult = { rows, heapLimitMb: heapMb, ...(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>) };
      log(`import: ${JSON.stringify(importResult)}`);
    } finally {
      await unlink(file).catch(() => undefined);
      if (!flag('keep-import')) {
        log('removing the imported rows…');
        await pool.query(`delete from member_history h using members m where m.id = h.member_id and m.created_at >= $1`, [startedAt]);
        await pool.query(`delete from stream_versions where stream_id in (select 'member-' || id from members where created_at >= $1)`, [
          startedAt,
        ]);
        await pool.query(`delete from members where created_at >= $1`, [startedAt]);
        await pool.query(`delete from vanguard_outbox where created_at >= $1 and event_type = 'organization.MemberJoined'`, [startedAt]);
      }
    }
  }
  await pool.end();

  const result = {
    http,
    dataset: size,
    subtree: { county: '910425', organisations: listed, iterations, queryMs: subtreeQuery, httpMs: subtreeHttp, targetP99Ms: 20 },
    scopeCheck: { organisations: loaded, loadMs: Math.round(loadMs), checks: 200_000, ms: scopeCheck, targetP99Ms: 1 },
    import: importResult ? { ...importResult, targetMs: 300_000, targetRssMb: 512 } : null,
  };
  if (JSON_OUT) process.stdout.write(JSON.stringify(result) + '\n');
  else console.log(JSON.stringify(result, null, 2));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
