import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { createTestSchema, seededRandom, waitUntil, type TestSchema } from '@vanguard/testing';
import type { Tx } from '../src/application/ports/unit-of-work.port';
import type { SourceBalance } from '../src/domain/funds/fund-ledger';
import { assistanceMigrations } from '../src/infrastructure/migrations';
import { PgProjectRepository } from '../src/infrastructure/persistence/pg-projects.repository';

const SEED = Number(process.env['ASSISTANCE_LOCK_SEED'] ?? Date.now() % 1_000_000);
const ROUNDS = 12;
const SOURCES = ['fiscal', 'helper_unit', 'social', 'village_collective', 'other'] as const;

/** The one-statement read the function replaces: lock and balances in one snapshot, taken before the lock's wait. */
const ONE_STATEMENT = `select (select coalesce(json_agg(json_build_object('source', b.source, 'allocated_fen', b.allocated_fen::text,
                                                             'disbursed_fen', b.disbursed_fen::text) order by b.source), '[]')
                          from fund_balances b where b.project_id = p.id) as balances
                         from projects p where p.id = $1 for update of p`;

// A money command decides on the balances it reads under the project's lock, so they must include
// what the lock's previous holder committed — a source's first allocation above all, whose row did
// not exist when the waiting command's statement began. Migration 1765600000010 reads them in the
// same round trip as the lock (ADR 0071's bench path); each round here has a holder change the
// balances while a reader waits on the lock, in a seeded draw (ASSISTANCE_LOCK_SEED replays it).
describe(`project_locked_with_balances: the balances as the lock's previous holder left them (seed ${SEED})`, () => {
  let schema: TestSchema;
  const projects = new PgProjectRepository();
  const rnd = seededRandom(SEED);

  beforeAll(async () => {
    schema = await createTestSchema('assistance_locked_balances');
    const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, migrations: assistanceMigrations });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
  });
  afterAll(() => schema?.drop());

  const txOn = (c: PoolClient): Tx => ({
    query: async <R>(sql: string, params?: unknown[]) => (await c.query(sql, params)).rows as R[],
    publish: () => Promise.reject(new Error('no events here')),
  });

  async function project(): Promise<string> {
    const id = randomUUID();
    await schema.pool.query(
      `insert into projects (id, org_id, name, category, budget_fen, beneficiary_households, status, planned_on, last_step_on, recorded_at)
       values ($1, $2, '锁测试', 'road_hardening', 100000000, 1, 'in_progress', current_date, current_date, now())`,
      [id, randomUUID()],
    );
    return id;
  }

  /**
   * The holder locks the project and changes its balances (a new source, or more disbursed on one
   * it has); `read` runs on another connection and must wait for the lock; once it does, the holder
   * commits. Resolves with what the reader read and what the holder committed.
   */
  async function whileHeld(
    id: string,
    read: (c: PoolClient) => Promise<SourceBalance[]>,
  ): Promise<{ read: SourceBalance[]; committed: SourceBalance[] }> {
    const holder = await schema.pool.connect();
    const reader = await schema.pool.connect();
    try {
      await holder.query('begin');
      await holder.query(`select 1 from projects where id = $1 for update`, [id]);
      const { rows: had } = await holder.query<{ source: string }>(`select source from fund_balances where project_id = $1`, [id]);
      const fresh = SOURCES.filter((s) => !had.some((h) => h.source === s));
      if (fresh.length > 0 && (had.length === 0 || rnd() < 0.6)) {
        const source = fresh[Math.floor(rnd() * fresh.length)]!;
        await holder.query(`insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, $2, $3, 0)`, [
          id,
          source,
          1_000 + Math.floor(rnd() * 100_000),
        ]);
      } else {
        await holder.query(`update fund_balances set disbursed_fen = disbursed_fen + 1 where project_id = $1 and source = $2`, [
          id,
          had[Math.floor(rnd() * had.length)]!.source,
        ]);
      }
      const readerPid = (await reader.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      await reader.query('begin');
      // A reader that failed or answered at once never waits on the lock: said now, not after the deadline.
      let settled: string | undefined;
      const reading = read(reader).then(
        (r) => ((settled = 'it answered before the holder committed'), r),
        (e: unknown) => {
          settled = `it failed: ${e instanceof Error ? e.message : JSON.stringify(e)}`;
          throw e;
        },
      );
      reading.catch(() => undefined);
      await waitUntil('the reader to wait on the project lock', async () => {
        if (settled) return settled;
        const { rows } = await schema.pool.query(`select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'`, [readerPid]);
        return rows.length === 1;
      });
      if (settled) throw new Error(`the reader did not wait on the lock: ${settled}`);
      await holder.query('commit');
      const result = await reading;
      await reader.query('commit');
      const { rows } = await schema.pool.query<{ source: SourceBalance['source']; allocated_fen: string; disbursed_fen: string }>(
        `select source, allocated_fen, disbursed_fen from fund_balances where project_id = $1 order by source`,
        [id],
      );
      const committed = rows.map((r) => ({
        source: r.source,
        allocatedFen: Number(r.allocated_fen),
        disbursedFen: Number(r.disbursed_fen),
      }));
      return { read: result, committed };
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await reader.query('rollback').catch(() => undefined);
      holder.release();
      reader.release();
    }
  }

  it('reads, once the lock is held, every balance the previous holder committed: new sources and changed ones', async () => {
    const id = await project();
    for (let round = 0; round < ROUNDS; round++) {
      const { read, committed } = await whileHeld(id, async (c) => (await projects.getForMoneyWithScope(txOn(c), id, undefined))!.balances);
      expect({ round, balances: read }).toEqual({ round, balances: committed });
    }
  });

  it('a single statement with the lock would not: a source first allocated while it waited is missing (the reason for the function)', async () => {
    const id = await project();
    // The first round always adds a source: the project has none yet.
    const { read, committed } = await whileHeld(id, async (c) => {
      const { rows } = await c.query<{ balances: SourceBalance[] }>(ONE_STATEMENT, [id]);
      return rows[0]!.balances;
    });
    expect(committed).toHaveLength(1);
    expect(read).toEqual([]);
  });

  it('answers nothing for a project that does not exist; the roster rows of the village and the caller, as the lock alone reads them', async () => {
    const c = await schema.pool.connect();
    try {
      expect(await projects.getForMoneyWithScope(txOn(c), randomUUID(), undefined)).toBeNull();
      const id = await project();
      const { rows } = await c.query<{ org_id: string }>(`select org_id from projects where id = $1`, [id]);
      const [village, town] = [rows[0]!.org_id, randomUUID()];
      await c.query(
        `insert into roster_organizations (id, parent_id, path, code, name, level, sector, status, version)
         values ($1, null, array[$1]::uuid[], '9190', '镇', 'township', 'rural', 'active', 0),
                ($2, $1, array[$1, $2]::uuid[], '919001', '村', 'village', 'rural', 'active', 0)`,
        [town, village],
      );
      const found = await projects.getForMoneyWithScope(txOn(c), id, town);
      expect(found).toMatchObject({
        project: { id, orgId: village, status: 'in_progress', budgetFen: 100_000_000, milestones: [] },
        balances: [],
      });
      expect(found!.orgs.map((o) => o.path).sort((a, b) => a.length - b.length)).toEqual([[town], [town, village]]);
      expect(await projects.getForMoneyWithScope(txOn(c), id, randomUUID())).toMatchObject({
        orgs: [{ id: village, name: '村', level: 'village' }],
      });
    } finally {
      c.release();
    }
  });
});
