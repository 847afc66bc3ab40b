import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { FundSource } from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import { seededRandom, type TestSchema } from '@vanguard/testing';
import type { CommandContext } from '../src/application/ports/context.port';
import { OVERSIGHT_READ_MODEL, type OversightReadModel } from '../src/application/ports/read-model.port';
import { FundHandlers } from '../src/application/use-cases/funds.use-cases';
import { ProjectHandlers } from '../src/application/use-cases/projects.use-cases';
import { upsertOrganizations } from '../src/infrastructure/roster/roster.projection';
import { assistanceInOwnSchema, dayFromToday, freshVillage, pathOfCode } from './support/assistance-test-app';

const SEED = Number(process.env['ASSISTANCE_TOTALS_SEED'] ?? Date.now() % 1_000_000);
const ROUNDS = 5;
const OPS = 24;
const SOURCES: FundSource[] = ['fiscal', 'social', 'helper_unit'];
/** What a money command may answer besides success under this draw; anything else fails the test. */
const REFUSALS = new Set(['FUNDS.OVER_BUDGET', 'FUNDS.INSUFFICIENT_BALANCE', 'FUNDS.ALREADY_REVERSED']);

type Totals = { projects: number; budgetFen: number; allocatedFen: number; disbursedFen: number };

jest.setTimeout(90_000);

// ADR 0071: every organisation's kept totals (the sum of its slots) equal what the old scanning
// query recomputes from projects, balances and the roster paths, after concurrent project
// creations, allocations, disbursements, reversals and villages moving between the two counties.
describe(`fund totals per organisation, kept in slots (seed ${SEED})`, () => {
  let schema: TestSchema;
  let app: INestApplication;
  const ctx: CommandContext = {
    actor: { sub: randomUUID(), username: 'int', roles: ['admin'], orgId: demoOrgId('91'), kind: 'user' },
    correlationId: randomUUID(),
  };

  beforeAll(async () => {
    ({ schema, app: app } = await assistanceInOwnSchema('assistance_fund_totals', { relay: false }));
  });

  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  /** The oracle: the scanning query the read model ran before ADR 0071, per organisation of the roster. */
  async function recomputed(): Promise<Map<string, Totals>> {
    const { rows } = await schema.pool.query<{ id: string; projects: string; budget: string; allocated: string; disbursed: string }>(
      `select r.id, count(p.id) as projects, coalesce(sum(p.budget_fen), 0) as budget,
              coalesce(sum(b.allocated_fen), 0) as allocated, coalesce(sum(b.disbursed_fen), 0) as disbursed
         from roster_organizations r
         left join (projects p join roster_organizations o on o.id = p.org_id) on r.id = any(o.path)
         left join lateral (select sum(allocated_fen) as allocated_fen, sum(disbursed_fen) as disbursed_fen
                              from fund_balances where project_id = p.id) b on true
        group by r.id`,
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { projects: Number(r.projects), budgetFen: Number(r.budget), allocatedFen: Number(r.allocated), disbursedFen: Number(r.disbursed) },
      ]),
    );
  }

  /** What is kept: the sum of each organisation's slots. */
  async function kept(): Promise<Map<string, Totals>> {
    const { rows } = await schema.pool.query<{ id: string; projects: string; budget: string; allocated: string; disbursed: string }>(
      `select r.id, coalesce(sum(t.projects), 0) as projects, coalesce(sum(t.budget_fen), 0) as budget,
              coalesce(sum(t.allocated_fen), 0) as allocated, coalesce(sum(t.disbursed_fen), 0) as disbursed
         from roster_organizations r left join fund_totals t on t.org_id = r.id group by r.id`,
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { projects: Number(r.projects), budgetFen: Number(r.budget), allocatedFen: Number(r.allocated), disbursedFen: Number(r.disbursed) },
      ]),
    );
  }

  async function differences(): Promise<string[]> {
    const [want, have] = await Promise.all([recomputed(), kept()]);
    return [...want]
      .filter(([id, t]) => JSON.stringify(have.get(id)) !== JSON.stringify(t))
      .map(([id, t]) => `${id}: ${JSON.stringify(t)} kept ${JSON.stringify(have.get(id))}`);
  }

  it('equal a recomputation from the rows for every organisation, and the read model answers them', async () => {
    const rnd = seededRandom(SEED);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const projects = app.get(ProjectHandlers);
    const funds = app.get(FundHandlers);
    const today = dayFromToday(0);
    // Villages of both counties: under the two townships of 松岭旗 and directly under 河口县.
    const parents = ['910425101', '910425101', '910425102', '910425102', '910426', '910426'];
    const villages = await Promise.all(parents.map(async (p) => ({ id: await freshVillage(schema.pool, p), parent: p, version: 0 })));
    const open: string[] = [];
    const movements: { projectId: string; id: string }[] = [];
    const unexpected: string[] = [];
    const refusals = new Map<string, number>();
    const note = (what: string) => (e: unknown) => {
      const code = (e as { code?: string }).code ?? String(e);
      if (!REFUSALS.has(code)) unexpected.push(`${what}: ${code}`);
      refusals.set(code, (refusals.get(code) ?? 0) + 1);
    };
    const create = async () => {
      const village = pick(villages).id;
      const { id } = await projects.plan(ctx, village, {
        pairingId: null,
        name: `合计测试${int(1, 1e6)}`,
        category: 'road_hardening',
        budgetFen: int(500_000, 2_000_000),
        beneficiaryHouseholds: 1,
        plannedOn: dayFromToday(-3),
      });
      await projects.advance(ctx, id, 'approve', dayFromToday(-2));
      await projects.advance(ctx, id, 'start', dayFromToday(-1));
      open.push(id);
    };
    // A village moves to another township or county (a newer roster state), as the roster projection writes it.
    let moves = 0;
    const move = async () => {
      moves++;
      const v = pick(villages);
      const parent = pick(parents.filter((p) => p !== v.parent));
      v.parent = parent;
      v.version++;
      await upsertOrganizations(schema.pool, [
        {
          id: v.id,
          parent_id: demoOrgId(parent),
          path: [...pathOfCode(parent), v.id],
          code: `${parent}${v.version}`,
          name: '测试村',
          level: 'village',
          sector: 'rural',
          status: 'active',
          version: v.version,
        },
      ]);
    };

    for (let i = 0; i < 4; i++) await create();
    await move();
    for (let round = 0; round < ROUNDS; round++) {
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < OPS; i++) {
        const draw = rnd();
        const projectId = pick(open);
        const source = pick(SOURCES);
        if (draw < 0.1) ops.push(create().catch(note('plan')));
        else if (draw < 0.14) ops.push(move().catch(note('move')));
        else if (draw < 0.4)
          ops.push(
            funds
              .allocate(ctx, projectId, { source, amountFen: int(50_000, 400_000), on: today })
              .then((r) => void movements.push({ projectId, id: r.movementId }), note('allocate')),
          );
        else if (draw < 0.85 || movements.length === 0)
          ops.push(
            funds
              .disburse(ctx, projectId, { source, amountFen: int(1_000, 150_000), on: today, purpose: `r${round}-${i}` })
              .then((r) => void movements.push({ projectId, id: r.movementId }), note('disburse')),
          );
        else {
          const m = pick(movements);
          ops.push(funds.reverse(ctx, m.projectId, m.id, { on: today, reason: '冲正' }).then(() => undefined, note('reverse')));
        }
      }
      await Promise.all(ops);
    }
    expect(unexpected).toEqual([]);
    expect(moves).toBeGreaterThan(0);
    const ledger = await schema.pool.query<{ kind: string; n: string }>(`select kind, count(*) as n from fund_movements group by kind`);
    // The draw moved money every way, so every trigger was exercised.
    expect(Object.fromEntries(ledger.rows.map((r) => [r.kind, Number(r.n)]))).toEqual({
      allocation: expect.any(Number),
      disbursement: expect.any(Number),
      reversal: expect.any(Number),
    });

    expect(await differences()).toEqual([]);
    const want = await recomputed();
    // The province, a county, a township and villages hold money, so the comparison is not of zeros.
    expect(want.get(demoOrgId('91'))!.allocatedFen).toBeGreaterThan(0);
    expect([...want.values()].filter((t) => t.disbursedFen > 0).length).toBeGreaterThanOrEqual(5);
    const reads = app.get<OversightReadModel>(OVERSIGHT_READ_MODEL);
    for (const [orgId, t] of want) {
      const view = await reads.fundTotals(ctx.actor, orgId);
      expect(view).toEqual({ orgId, ...t, balanceFen: t.allocatedFen - t.disbursedFen });
    }
    // Slots did their work: the province's totals were spread over more than one row.
    const slots = await schema.pool.query<{ n: string }>(`select count(*) as n from fund_totals where org_id = $1`, [demoOrgId('91')]);
    expect(Number(slots.rows[0]!.n)).toBeGreaterThan(1);
    // An officer of another county hears of nothing in 松岭旗 (as an unknown id).
    expect(await reads.fundTotals({ ...ctx.actor, orgId: demoOrgId('910426') }, demoOrgId('910425'))).toBeNull();
  });

  it('shows a difference when one trigger is missing (the comparison can fail)', async () => {
    const projects = app.get(ProjectHandlers);
    const funds = app.get(FundHandlers);
    const village = await freshVillage(schema.pool, '910426');
    const { id } = await projects.plan(ctx, village, {
      pairingId: null,
      name: '断开的合计',
      category: 'drinking_water',
      budgetFen: 1_000_000,
      beneficiaryHouseholds: 1,
      plannedOn: dayFromToday(-3),
    });
    await projects.advance(ctx, id, 'approve', dayFromToday(-2));
    await funds.allocate(ctx, id, { source: 'fiscal', amountFen: 500_000, on: dayFromToday(0) });
    expect(await differences()).toEqual([]);
    await schema.pool.query(`drop trigger fund_totals_balance_updated on fund_balances`);
    await funds.disburse(ctx, id, { source: 'fiscal', amountFen: 1_234, on: dayFromToday(0), purpose: '未计入' });
    const found = await differences();
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(found.find((d) => d.startsWith(demoOrgId('910426')))).toContain('"disbursedFen":');
  });
});
