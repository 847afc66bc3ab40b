import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { createTestSchema, seededRandom, type TestSchema } from '@vanguard/testing';
import { assistanceMigrations } from '../src/infrastructure/migrations';
import { AssistanceBudgetGuardRecount1765100000062 } from '../src/infrastructure/migrations/1765100000062-budget-guard-recount.migration';

const SEED = Number(process.env['ASSISTANCE_GUARD_SEED'] ?? Date.now() % 1_000_000);
const BUDGET = 1_000_000;
const WRITERS = 40;
const SOURCES = ['fiscal', 'helper_unit', 'social', 'village_collective', 'other'];

type Outcome = { amount: number; ok: boolean; error?: string };

// README "Funds": the balance check is the backstop behind the domain's rule, and (ADR 0061) the
// database guards a project's budget too. Both are exercised by writers that skip the domain and
// its project lock, straight SQL, racing each other in a seeded draw (ASSISTANCE_GUARD_SEED replays it).
describe(`funds: the database refuses what the domain would, without the domain (seed ${SEED})`, () => {
  let schema: TestSchema;
  const rnd = seededRandom(SEED);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

  beforeAll(async () => {
    schema = await createTestSchema('assistance_funds_guards');
    const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, migrations: assistanceMigrations });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
  });
  afterAll(() => schema?.drop());

  async function project(budgetFen = BUDGET): Promise<string> {
    const id = randomUUID();
    await schema.pool.query(
      `insert into projects (id, org_id, name, category, budget_fen, beneficiary_households, status, planned_on, last_step_on, recorded_at)
       values ($1, $2, '护栏测试', 'road_hardening', $3, 1, 'in_progress', current_date, current_date, now())`,
      [id, randomUUID(), budgetFen],
    );
    return id;
  }

  /** Runs `write` on a connection of its own, some of the time in a transaction held open a little longer. */
  async function race(
    amounts: readonly number[],
    write: (c: PoolClient, amount: number, i: number) => Promise<unknown>,
  ): Promise<Outcome[]> {
    return Promise.all(
      amounts.map(async (amount, i) => {
        const held = rnd() < 0.5;
        const extra = int(0, 3);
        const c = await schema.pool.connect();
        try {
          if (held) await c.query('begin');
          await write(c, amount, i);
          for (let k = 0; k < extra; k++) await c.query('select 1');
          if (held) await c.query('commit');
          return { amount, ok: true };
        } catch (e) {
          if (held) await c.query('rollback');
          const { code, constraint } = e as { code?: string; constraint?: string };
          return { amount, ok: false, error: `${code}:${constraint ?? (e as Error).message}` };
        } finally {
          c.release();
        }
      }),
    );
  }

  const total = (xs: Outcome[]) => xs.filter((o) => o.ok).reduce((n, o) => n + o.amount, 0);
  const smallestRefused = (xs: Outcome[]) => Math.min(...xs.filter((o) => !o.ok).map((o) => o.amount));

  it('refuses bypassing disbursements that would make a source negative, however they race, and only those', async () => {
    const id = await project();
    await schema.pool.query(
      `insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, 'fiscal', 500000, 0)`,
      [id],
    );
    // About twice what the source holds.
    const amounts = Array.from({ length: WRITERS }, () => int(5_000, 45_000));
    const outcomes = await race(amounts, (c, amount) =>
      c.query(`update fund_balances set disbursed_fen = disbursed_fen + $2 where project_id = $1 and source = 'fiscal'`, [id, amount]),
    );
    expect([...new Set(outcomes.filter((o) => !o.ok).map((o) => o.error))]).toEqual(['23514:fund_balance_never_negative']);
    const { rows } = await schema.pool.query<{ disbursed_fen: string }>(`select disbursed_fen from fund_balances where project_id = $1`, [
      id,
    ]);
    expect(Number(rows[0]!.disbursed_fen)).toBe(total(outcomes));
    expect(total(outcomes)).toBeLessThanOrEqual(500_000);
    // Disbursing only lowers the balance: an amount refused then does not fit what is left now either.
    expect(500_000 - total(outcomes)).toBeLessThan(smallestRefused(outcomes));

    // Nor one write on its own: a source born negative, allocations cut below disbursements, a negative running balance.
    const refused = (sql: string, params: unknown[]) =>
      schema.pool.query(sql, params).then(
        () => 'accepted',
        (e: { code?: string; constraint?: string }) => `${e.code}:${e.constraint}`,
      );
    expect(
      await refused(`insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, 'social', 10, 20)`, [id]),
    ).toBe('23514:fund_balance_never_negative');
    expect(
      await refused(`update fund_balances set allocated_fen = disbursed_fen - 1 where project_id = $1 and source = 'fiscal'`, [id]),
    ).toBe('23514:fund_balance_never_negative');
    expect(
      await refused(
        `insert into fund_movements (id, project_id, source, kind, amount_fen, on_day, balance_after_fen, recorded_at, recorded_by)
         values ($1, $2, 'fiscal', 'disbursement', 1, current_date, -1, now(), 'bypass')`,
        [randomUUID(), id],
      ),
    ).toBe('23514:fund_movements_balance_after_fen_check');
  });

  it("refuses allocations past the project's budget when writers race on its sources without the project lock", async () => {
    const id = await project();
    // About twice the budget, spread over every source, so writers race on different rows.
    const amounts = Array.from({ length: WRITERS }, () => int(10_000, 90_000));
    const sources = amounts.map(() => SOURCES[int(0, SOURCES.length - 1)]!);
    const outcomes = await race(amounts, (c, amount, i) =>
      c.query(
        `insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, $2, $3, 0)
         on conflict (project_id, source) do update set allocated_fen = fund_balances.allocated_fen + excluded.allocated_fen`,
        [id, sources[i], amount],
      ),
    );
    const sum = async (sql: string) => Number((await schema.pool.query<{ n: string }>(sql, [id])).rows[0]!.n);
    expect(await sum(`select coalesce(sum(allocated_fen), 0) as n from fund_balances where project_id = $1`)).toBe(total(outcomes));
    expect(total(outcomes)).toBeLessThanOrEqual(BUDGET);
    expect([...new Set(outcomes.filter((o) => !o.ok).map((o) => o.error))]).toEqual(['23514:project_allocations_within_budget']);
    expect(BUDGET - total(outcomes)).toBeLessThan(smallestRefused(outcomes));
    // The sum the check holds is the ledger's balances' own.
    expect(await sum(`select allocated_fen as n from projects where id = $1`)).toBe(total(outcomes));
  });

  it('keeps the sum honest: reversals lower it, a moved or deleted row moves it, and it cannot be written by hand', async () => {
    const id = await project(100_000);
    const other = await project(100_000);
    const q = (sql: string, params: unknown[] = []) => schema.pool.query(sql, params);
    const kept = async (p: string) => Number((await q(`select allocated_fen from projects where id = $1`, [p])).rows[0].allocated_fen);
    await q(`insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, 'fiscal', 100000, 40000)`, [id]);
    // A disbursement of everything left, then the allocation cut to what was disbursed: room again for more.
    await q(`update fund_balances set disbursed_fen = 100000 where project_id = $1`, [id]);
    await expect(q(`update fund_balances set disbursed_fen = 100001 where project_id = $1`, [id])).rejects.toThrow(/never_negative/);
    await q(`update fund_balances set disbursed_fen = 40000, allocated_fen = 40000 where project_id = $1`, [id]);
    expect(await kept(id)).toBe(40_000);
    await q(`insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, 'social', 60000, 0)`, [id]);
    await expect(
      q(`insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, 'other', 1, 0)`, [id]),
    ).rejects.toThrow(/project_allocations_within_budget/);
    await q(`update fund_balances set project_id = $2 where project_id = $1 and source = 'social'`, [id, other]);
    expect([await kept(id), await kept(other)]).toEqual([40_000, 60_000]);
    await q(`delete from fund_balances where project_id = $1`, [other]);
    expect(await kept(other)).toBe(0);
    await expect(q(`update projects set allocated_fen = 0 where id = $1`, [id])).rejects.toThrow(/sum of fund_balances/);
    await expect(q(`update projects set budget_fen = 39999 where id = $1`, [id])).rejects.toThrow(/project_allocations_within_budget/);
  });

  it('recounts, under locks, a sum that missed a writer while the guard was being installed', async () => {
    const id = await project(100_000);
    const q = (sql: string, params: unknown[] = []) => schema.pool.query(sql, params);
    // As a writer that committed between the first fill and its triggers: counted by neither.
    await q(`alter table fund_balances disable trigger fund_balances_sum_allocations`);
    await q(`insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, 'fiscal', 70000, 0)`, [id]);
    await q(`alter table fund_balances enable trigger fund_balances_sum_allocations`);
    const kept = async () => Number((await q(`select allocated_fen from projects where id = $1`, [id])).rows[0].allocated_fen);
    expect(await kept()).toBe(0);

    const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema });
    await ds.initialize();
    const runner = ds.createQueryRunner();
    try {
      await runner.startTransaction();
      await new AssistanceBudgetGuardRecount1765100000062().up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
      await ds.destroy();
    }

    expect(await kept()).toBe(70_000);
    await expect(
      q(`insert into fund_balances (project_id, source, allocated_fen, disbursed_fen) values ($1, 'social', 30001, 0)`, [id]),
    ).rejects.toThrow(/project_allocations_within_budget/);
    await expect(q(`update projects set allocated_fen = 0 where id = $1`, [id])).rejects.toThrow(/sum of fund_balances/);
  });
});
