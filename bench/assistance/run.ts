/**
 * Assistance benchmark: disbursement commands and per-county totals through HTTP with a real
 * Keycloak token, beside the raw Postgres ceiling of the same work.
 *   node -r @swc-node/register bench/assistance/run.ts [--json] [--projects 10000] [--disbursements 100000]
 *        [--seconds 10] [--concurrency 16]
 *
 * The scale is --projects 100000 --disbursements 1000000 (several minutes of seeding on
 * the shared 2-core machine). The data goes into a schema of its own in the test database,
 * dropped afterwards; the service runs in this process (relay and roster consumer off), so the
 * load generator and the service share the CPUs.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { configureHttpApp } from '@vanguard/http';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { createTestSchema, tokenFor } from '@vanguard/testing';
import type { Pool } from 'pg';
import type * as ConfigModule from '../../services/assistance/src/assistance.config';
import type * as ServiceModule from '../../services/assistance/src/assistance.module';
import { assistanceMigrations } from '../../services/assistance/src/infrastructure/migrations';
import { PgFundRepository } from '../../services/assistance/src/infrastructure/persistence/pg-funds.repository';
import { FUND_TOTALS } from '../../services/assistance/src/infrastructure/persistence/pg-oversight-read-model';
import { PgProjectRepository } from '../../services/assistance/src/infrastructure/persistence/pg-projects.repository';
import { bootstrapDemoRoster } from '../../services/assistance/test/support/assistance-test-app';

const argv = process.argv.slice(2);
const num = (n: string, d: number) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const JSON_OUT = argv.includes('--json');
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
}

function percentile(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10 : 0;
}

/** `workers` loops calling `once` for `seconds`; latency per call, errors counted. */
async function load(name: string, seconds: number, workers: number, once: () => Promise<boolean>): Promise<Figure> {
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
  };
  log(`${name.padEnd(34)} ${String(f.perSecond).padStart(6)}/s  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  errors ${errors}`);
  return f;
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
  let app: INestApplication | undefined;
  try {
    const t0 = Date.now();
    await seed(schema.pool);
    const ids = (await schema.pool.query<{ id: string }>(`select id from projects`)).rows.map((r) => r.id);
    log(
      `seeded ${ids.length.toLocaleString('en')} projects, ~${DISBURSEMENTS.toLocaleString('en')} disbursements in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Loaded after LOG_LEVEL is set: the logging module reads it when it loads (no access log per request).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { assistanceConfig } = require('../../services/assistance/src/assistance.config') as typeof ConfigModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AssistanceModule } = require('../../services/assistance/src/assistance.module') as typeof ServiceModule;
    const config = {
      ...assistanceConfig(infraConfig(), 'test'),
      databaseUrl: schema.url,
      schema: schema.schema,
      relay: false,
      roster: false,
    };
    const moduleRef = await Test.createTestingModule({ imports: [AssistanceModule.register(config)] }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttpApp(app, { title: 'bench', description: 'bench' });
    await app.listen(0, '127.0.0.1');
    const port = Number(new URL((await app.getUrl()).replace('[::1]', '127.0.0.1')).port);
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
      await load('HTTP POST disbursement', SECONDS, CONCURRENCY, async () => {
        const status = await call('POST', `/projects/${pick()}/disbursements`, {
          source: 'fiscal',
          amountFen: 100,
          on: today,
          purpose: '压测',
        });
        return status === 201;
      }),
    );
    // The same statements as one disbursement command, through the service's own repositories on a
    // plain pg client (no Nest, no TypeORM, no domain): lock with the scope's roster rows, balances,
    // balance and entry, stream version with the outbox row; begin and commit (6 round trips).
    const projectsRepo = new PgProjectRepository();
    const fundsRepo = new PgFundRepository();
    const benchActor = { sub: 'bench', username: 'bench', roles: ['assistance_officer'], orgId: COUNTY, kind: 'user' as const };
    figures.push(
      await load('SQL ceiling: disbursement', SECONDS, CONCURRENCY, async () => {
        const client = await schema.pool.connect();
        const tx = {
          query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
          publish: () => Promise.reject(new Error('not in the ceiling')),
        };
        try {
          const id = pick();
          await client.query('begin');
          const found = await projectsRepo.getForUpdateWithScope(tx, id, COUNTY, false);
          if (!found || found.orgs.length !== 2) throw new Error('out of scope');
          const [b] = await fundsRepo.balances(tx, id);
          const movementId = randomUUID();
          await fundsRepo.record(
            tx,
            {
              id: movementId,
              projectId: id,
              source: 'fiscal',
              kind: 'disbursement',
              amountFen: 100,
              on: today,
              purpose: '压测',
              reversesId: null,
              reversed: false,
            },
            { source: 'fiscal', allocatedFen: b!.allocatedFen, disbursedFen: b!.disbursedFen + 100 },
            benchActor,
            new Date(),
          );
          // The outbox's numbered write (libs/messaging, `streamVersions`): stream version and row in one.
          await client.query(
            `with v as (insert into stream_versions as s (stream_id, version) values ($2, 1)
               on conflict (stream_id) do update set version = s.version + 1 returning version)
             insert into vanguard_outbox (event_id, event_type, event_version, stream_id, topic, envelope)
             select $1, 'x', 1, $2, 't', jsonb_set('{}'::jsonb, '{streamVersion}', to_jsonb(v.version)) from v`,
            [randomUUID(), `project-${id}`],
          );
          await client.query('commit');
          return true;
        } catch {
          await client.query('rollback');
          return false;
        } finally {
          client.release();
        }
      }),
    );
    figures.push(await load('HTTP GET county totals', SECONDS, 4, async () => (await call('GET', `/totals/${COUNTY}`)) === 200));
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
    await app?.close();
    await schema.drop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
