/**
 * A disbursement's two paths side by side (ADR 0073), on a machine whose speed varies: the CPU
 * each spends per command, in this process (the repositories and pg, as the service runs them,
 * without Nest) and in the Postgres backends that serve it — figures that hold when throughput
 * does not. The locked path (begin, lock with scope and balances, balance and entry, the event's
 * numbered outbox row, commit) and the optimistic one (the unlocked read, then the guarded write
 * with the event, both prepared once per connection; the locked path after a miss), alternately.
 *   node -r @swc-node/register bench/assistance/paths.ts [--projects 1000] [--seconds 6] [--rounds 3] [--concurrency 16]
 */
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { demoOrgId } from '@vanguard/infra-config';
import { createTestSchema } from '@vanguard/testing';
import { assistanceMigrations } from '../../services/assistance/src/infrastructure/migrations';
import { bootstrapDemoRoster } from '../../services/assistance/test/support/assistance-test-app';
import { disbursementPaths } from './sql-paths';
import { processCpuMs } from '../shared/process-cpu';

const argv = process.argv.slice(2);
const num = (n: string, d: number) => (argv.includes(`--${n}`) ? Number(argv[argv.indexOf(`--${n}`) + 1]) : d);
const PROJECTS = num('projects', 1000);
const SECONDS = num('seconds', 6);
const ROUNDS = num('rounds', 3);
const CONCURRENCY = num('concurrency', 16);
const COUNTY = demoOrgId('910425');
const TOWN = demoOrgId('910425101');

async function main(): Promise<void> {
  const schema = await createTestSchema('assistance_paths');
  const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, migrations: assistanceMigrations });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  const pool = schema.pool;
  try {
    await bootstrapDemoRoster(pool);
    await pool.query(
      `insert into roster_organizations (id, parent_id, path, code, name, level, sector, status, version)
       select gen_random_uuid(), $1::uuid, array[$2::uuid, $3::uuid, $4::uuid, $1::uuid], '910425101' || (300 + g), '村' || g, 'village', 'rural', 'active', 0
         from generate_series(1, 50) g on conflict do nothing`,
      [TOWN, demoOrgId('91'), demoOrgId('9104'), COUNTY],
    );
    await pool.query(`update roster_organizations set path = path || id where parent_id = $1 and level = 'village'`, [TOWN]);
    await pool.query(
      `insert into projects (id, org_id, name, category, budget_fen, beneficiary_households, status, planned_on, last_step_on, recorded_at)
       select gen_random_uuid(), v.id, '项目' || g, 'road_hardening', 1000000000000, 10, 'in_progress', current_date - 30, current_date - 30, now()
         from generate_series(1, $2::int) g
         join lateral (select id from roster_organizations where parent_id = $1 and level = 'village' offset (g % 50) limit 1) v on true`,
      [TOWN, PROJECTS],
    );
    await pool.query(
      `insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) select id, 'fiscal', 1000000000000, 0 from projects`,
    );
    await pool.query('analyze');
    const ids = (await pool.query<{ id: string }>(`select id from projects`)).rows.map((r) => r.id);
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const paths = disbursementPaths(pool, COUNTY, ids[0]!);

    // The pool's backends, whose CPU is counted.
    const held = await Promise.all(Array.from({ length: 10 }, () => pool.connect()));
    const backends = await Promise.all(
      held.map(async (c) => (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid),
    );
    held.forEach((c) => c.release());

    const run = async (name: string, once: (id: string) => Promise<void>, seconds: number): Promise<void> => {
      const cpu = process.cpuUsage();
      const pg = backends.reduce((n, p) => n + processCpuMs(p), 0);
      const started = performance.now();
      const end = Date.now() + seconds * 1000;
      let n = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < end) {
            await once(pick());
            n++;
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const node = process.cpuUsage(cpu);
      const pgMs = backends.reduce((s, p) => s + processCpuMs(p), 0) - pg;
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
      console.log(
        `${name.padEnd(16)} ${String(Math.round(n / elapsed)).padStart(5)}/s  node CPU ${((node.user + node.system) / 1000 / n).toFixed(3)} ms/cmd  ` +
          `Postgres CPU ${(pgMs / n).toFixed(3)} ms/cmd  load ${load}`,
      );
    };
    await run('warm-up locked', paths.locked, 2);
    await run('warm-up guarded', paths.optimistic, 2);
    for (let round = 1; round <= ROUNDS; round++) {
      await run(`locked #${round}`, paths.locked, SECONDS);
      await run(`optimistic #${round}`, paths.optimistic, SECONDS);
    }
    console.log(`guard misses (then locked): ${paths.misses()}`);
  } finally {
    await schema.drop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
