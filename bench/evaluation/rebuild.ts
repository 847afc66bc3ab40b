// The rebuild figure of bench/evaluation/run.ts: `events` pledge events appended into a store
// schema of the bench database (never the platform's), then every registered evaluation
// projection rebuilt from it as `npm run rebuild -- evaluation` does (shadow table and swap).
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { QueryRunner } from 'typeorm';
import { migrate, PostgresEventStore, type AppendContext } from '@vanguard/event-store';
import { cpuMs } from './http-load';
import { evaluationMigrations } from '../../services/evaluation/src/infrastructure/migrations';
import { evaluationProjections } from '../../services/evaluation/src/infrastructure/projection/projections';
import { rebuildProjections } from '@vanguard/event-store';
import { pledgeHistory, seeded } from '../../services/evaluation/test/support/pledge-histories';

export interface RebuildFigure {
  readonly events: number;
  readonly pledges: number;
  readonly appendSeconds: number;
  readonly rebuildSeconds: number;
  readonly eventsPerSecond: number;
  /** CPU of this process (reading, decoding, folding) per 1,000 events; Postgres's own CPU is not in it. */
  readonly benchCpuMsPer1000Events: number;
  readonly rows: number;
}

const SCHEMA = 'bench_rebuild';
const context: AppendContext = {
  actor: { sub: 'bench', roles: ['organizer'], orgId: 'bench-org', kind: 'service' },
  orgId: 'bench-org',
  correlationId: 'bench-rebuild',
};

/** `url` is the bench database's (admin) address. */
export async function benchRebuild(url: string, events: number, log: (s: string) => void): Promise<RebuildFigure> {
  const pool = new Pool({ connectionString: url, max: 20 });
  // The rebuild writes unqualified table names, as the service role does in its own schema.
  const inSchema = new URL(url);
  inSchema.searchParams.set('options', `-c search_path=${SCHEMA}`);
  const rebuildPool = new Pool({ connectionString: inSchema.toString(), max: 2 });
  try {
    return await fillAndRebuild(pool, rebuildPool, events, log);
  } finally {
    await pool.query(`drop schema if exists ${SCHEMA} cascade`).catch(() => undefined);
    await Promise.all([pool.end(), rebuildPool.end()]);
  }
}

async function fillAndRebuild(pool: Pool, rebuildPool: Pool, events: number, log: (s: string) => void): Promise<RebuildFigure> {
  await pool.query(`drop schema if exists ${SCHEMA} cascade`);
  await migrate(pool, { schema: SCHEMA });
  const client = await pool.connect();
  try {
    await client.query(`set search_path to ${SCHEMA}`);
    // The service's whole read side, so every projection in the registry has its tables.
    for (const M of evaluationMigrations) await new M().up(client as unknown as QueryRunner);
  } finally {
    client.release();
  }
  const store = new PostgresEventStore(pool, { schema: SCHEMA });
  const random = seeded(7);
  const at = { orgId: randomUUID(), campaignId: randomUUID(), cycleId: randomUUID() };
  let appended = 0;
  let pledges = 0;
  const t0 = performance.now();
  let lastLog = 0;
  // 16 writers, one append per pledge history; group commit shares their flushes.
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (appended < events) {
        const history = pledgeHistory(random, at);
        appended += history.length;
        pledges++;
        await store.append(`pledge-${history[0]!.data.pledgeId}`, history, { expectedVersion: 'no_stream', context });
        if (performance.now() - lastLog > 5000) {
          lastLog = performance.now();
          log(`  appended ${appended.toLocaleString('en')} events`);
        }
      }
    }),
  );
  const appendSeconds = (performance.now() - t0) / 1000;
  await pool.query(`vacuum analyze ${SCHEMA}.events`);

  const cpuBefore = cpuMs(process.pid);
  const t1 = performance.now();
  const report = await rebuildProjections(rebuildPool, store, evaluationProjections);
  const rebuildSeconds = (performance.now() - t1) / 1000;
  const cpu = cpuMs(process.pid) - cpuBefore;
  const rows = Number((await pool.query<{ n: string }>(`select count(*) as n from ${SCHEMA}.pledge_view`)).rows[0]!.n);
  return {
    events: report.events,
    pledges,
    appendSeconds: Math.round(appendSeconds * 10) / 10,
    rebuildSeconds: Math.round(rebuildSeconds * 10) / 10,
    eventsPerSecond: Math.round(report.events / rebuildSeconds),
    benchCpuMsPer1000Events: Math.round((cpu / report.events) * 1000 * 10) / 10,
    rows,
  };
}
