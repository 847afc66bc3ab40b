/**
 * The append figures alone, ours beside Emmett in one run, for iterating on the append path:
 *   node -r @swc-node/register bench/event-store/append-quick.ts [--events N] [--rounds N]
 * Uses its own database (vanguard_bench_append, dropped and recreated at start).
 */
import { Pool } from 'pg';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { infraConfig } from '@vanguard/infra-config';
import { migrate, PostgresEventStore, type AppendContext } from '@vanguard/event-store';

const args = process.argv.slice(2);
const option = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const EVENTS = option('--events', 20_000);
const ROUNDS = option('--rounds', 3);
const WRITERS = 16;
const DB = 'vanguard_bench_append';
const url = (() => {
  const u = new URL(infraConfig().postgresAdminUrl);
  u.pathname = `/${DB}`;
  return u.toString();
})();
const ctx: AppendContext = {
  actor: { sub: 'bench', roles: ['organizer'], orgId: 'org-1', kind: 'service' },
  orgId: 'org-1',
  correlationId: 'bench',
};
const payload = (w: number, i: number) => ({ writer: w, seq: i, text: '带头学习，服务群众', score: 4.5, tags: ['pledge', 'q3'] });

import { readFileSync } from 'node:fs';
let cpuPool: Pool;
/** CPU seconds used so far by this process and by every backend of the bench database (Linux /proc). */
async function cpu(): Promise<{ client: number; server: number }> {
  const { rows } = await cpuPool.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [DB]);
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* ended */
    }
  }
  const u = process.cpuUsage();
  return { client: (u.user + u.system) / 1e6, server: ticks / 100 };
}
const cpuLog: string[] = [];
async function measured(label: string, events: number, f: () => Promise<number>): Promise<number> {
  const a = await cpu();
  const r = await f();
  const b = await cpu();
  cpuLog.push(
    `${label}: client ${Math.round(((b.client - a.client) * 1e6) / events)} µs/event, server ${Math.round(((b.server - a.server) * 1e6) / events)} µs/event`,
  );
  return r;
}

async function runWriters(total: number, writer: (w: number, i: number) => Promise<unknown>, eventsPerAppend = 1): Promise<number> {
  const per = Math.ceil(total / WRITERS);
  const t = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < per; i++) await writer(w, i);
    }),
  );
  return Math.round((per * WRITERS * eventsPerAppend * 1000) / (performance.now() - t));
}

async function main(): Promise<void> {
  const admin = new Pool({ connectionString: infraConfig().postgresAdminUrl, max: 1 });
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [DB]);
  await admin.query(`drop database if exists "${DB}"`);
  await admin.query(`create database "${DB}"`);
  await admin.end();
  const pool = new Pool({ connectionString: url, max: WRITERS + 2 });
  cpuPool = new Pool({ connectionString: infraConfig().postgresAdminUrl, max: 1 });
  await migrate(pool, { schema: 'bench_es' });
  const ours = new PostgresEventStore(pool, { schema: 'bench_es' });
  const emmettPool = new Pool({ connectionString: url, max: WRITERS + 2 });
  const emmett = getPostgreSQLEventStore(url, { connectionOptions: { pool: emmettPool } });
  await emmett.schema.migrate();
  for (let round = 0; round < ROUNDS; round++) {
    const tag = `r${round}`;
    const batch = (w: number, i: number) =>
      Array.from({ length: 100 }, (_, k) => ({ type: 'bench.Appended', data: payload(w, i * 100 + k) }));
    const ob = await measured('ours', EVENTS, () =>
      runWriters(
        EVENTS / 100,
        (w, i) => ours.append(`${tag}batch-w${w}s${i}`, batch(w, i), { expectedVersion: 'no_stream', context: ctx }),
        100,
      ),
    );
    const eb = await measured('emmett', EVENTS, () =>
      runWriters(EVENTS / 100, (w, i) => emmett.appendToStream(`${tag}batch-w${w}s${i}`, batch(w, i), { expectedStreamVersion: 0n }), 100),
    );
    const single = (w: number, i: number) => [{ type: 'bench.Appended', data: payload(w, i) }];
    const os = await runWriters(EVENTS / 5, (w, i) =>
      ours.append(`${tag}single-w${w}s${Math.floor(i / 10)}`, single(w, i), {
        expectedVersion: i % 10 === 0 ? 'no_stream' : i % 10,
        context: ctx,
      }),
    );
    const es = await runWriters(EVENTS / 5, (w, i) =>
      emmett.appendToStream(`${tag}single-w${w}s${Math.floor(i / 10)}`, single(w, i), { expectedStreamVersion: BigInt(i % 10) }),
    );
    console.log(cpuLog.splice(0).join(' | '));
    console.log(
      `round ${round}: batched ours ${ob} emmett ${eb} (${(ob / eb).toFixed(2)}x) | single ours ${os} emmett ${es} (${(os / es).toFixed(2)}x)`,
    );
  }
  await pool.end();
  await emmettPool.end();
  await cpuPool.end();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
