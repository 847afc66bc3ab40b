import { DataSource } from 'typeorm';
import type { ProjectCategory } from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import type { Actor, CommandContext } from '../../application/ports/context.port';
import { FieldWorkHandlers } from '../../application/use-cases/field-work.use-cases';
import { FundHandlers } from '../../application/use-cases/funds.use-cases';
import { FormPairingHandler } from '../../application/use-cases/pairings.use-cases';
import { ProjectAccess, ProjectHandlers } from '../../application/use-cases/projects.use-cases';
import { addDays, quarterOf } from '../../domain/shared/day';
import { PgFieldWorkRepository } from '../persistence/pg-field-work.repository';
import { PgFundRepository } from '../persistence/pg-funds.repository';
import { PgPairingRepository } from '../persistence/pg-pairings.repository';
import { PgProjectRepository } from '../persistence/pg-projects.repository';
import { TypeOrmUnitOfWork } from '../persistence/typeorm-unit-of-work';
import { PgRoster } from '../roster/pg-roster';
import { upsertOrganizations } from '../roster/roster.projection';
import { SystemClock, UuidIdGenerator } from '../system/system';
import type { Pool } from 'pg';

/** An organisation of the demo region as scripts/seed.ts knows it (the organization seed's own list). */
export interface DemoOrganization {
  readonly code: string;
  readonly name: string;
  readonly level: string;
  readonly sector: string;
  readonly parentCode: string | null;
}

/** The demo seed acts as the province's administrator, so every village of the region is in its scope. */
const SEED_ACTOR: Actor = { sub: 'demo-seed', username: 'demo-seed', roles: ['admin'], orgId: demoOrgId('91'), kind: 'service' };

const HELPERS = ['旗交通运输局', '旗水务局', '旗卫生局', '旗住房和城乡建设局', '旗农牧业局', '旗财政局'];
const PROJECTS: { name: string; category: ProjectCategory; budgetYuan: number; households: number }[] = [
  { name: '村内主干道硬化', category: 'road_hardening', budgetYuan: 1_200_000, households: 186 },
  { name: '安全饮水工程', category: 'drinking_water', budgetYuan: 450_000, households: 122 },
  { name: '村卫生室标准化建设', category: 'clinic_standardisation', budgetYuan: 180_000, households: 240 },
  { name: '农村牧区危房改造', category: 'housing_renovation', budgetYuan: 600_000, households: 30 },
  { name: '肉羊养殖一村一品', category: 'village_industry', budgetYuan: 800_000, households: 64 },
  { name: '村道路灯安装', category: 'other', budgetYuan: 90_000, households: 150 },
];
const STEPS = ['approve', 'start', 'complete', 'accept'] as const;
const fen = (yuan: number) => yuan * 100;

/**
 * The assistance demo for 松岭旗 (seed 002: 124 village pairings, 116 deeds, 6 M yuan): six
 * paired villages (one lagging, with its one-village plan and five fixed points), a first
 * secretary in each, households with contact cards, diary entries and visits (some households
 * not yet visited this quarter, so the overdue list shows them), deeds, and one project in each
 * state with its funds, a late milestone and a reversed disbursement. Everything goes through the
 * service's own use cases, so every event is in the outbox. Dates are relative to today.
 * Idempotent: a second run finds the pairings and adds nothing. Roster rows go in at version 0,
 * so the organization service's state records replace them.
 */
export async function seedAssistanceDemo(
  url: string,
  orgs: readonly DemoOrganization[],
  membersByVillageCode: ReadonlyMap<string, string>,
  schema = 'assistance',
): Promise<{ created: boolean; events: number }> {
  const ds = new DataSource({ type: 'postgres', url, schema });
  await ds.initialize();
  try {
    await bootstrapRoster(ds, orgs, membersByVillageCode);
    const [{ n }] = await ds.query<[{ n: number }]>(`select count(*)::int as n from pairings`);
    if (n > 0) return { created: false, events: 0 };
    const villages = orgs
      .filter((o) => o.level === 'village' && (o.sector === 'rural' || o.sector === 'community') && membersByVillageCode.has(o.code))
      .slice(0, HELPERS.length);
    await new DemoWriter(ds).write(villages, membersByVillageCode);
    const [{ e }] = await ds.query<[{ e: number }]>(`select count(*)::int as e from vanguard_outbox`);
    return { created: true, events: e };
  } finally {
    await ds.destroy();
  }
}

async function bootstrapRoster(ds: DataSource, orgs: readonly DemoOrganization[], members: ReadonlyMap<string, string>): Promise<void> {
  const byCode = new Map(orgs.map((o) => [o.code, o]));
  const pathOf = (o: DemoOrganization): string[] => {
    const parent = o.parentCode ? byCode.get(o.parentCode) : undefined;
    return [...(parent ? pathOf(parent) : []), demoOrgId(o.code)];
  };
  await upsertOrganizations(
    ds,
    orgs.map((o) => ({
      id: demoOrgId(o.code),
      parent_id: o.parentCode ? demoOrgId(o.parentCode) : null,
      path: pathOf(o),
      code: o.code,
      name: o.name,
      level: o.level,
      sector: o.sector,
      status: 'active',
      version: 0,
    })),
  );
  for (const [code, memberId] of members)
    await ds.query(
      `insert into roster_members (id, org_id, membership, roles, version) values ($1, $2, 'active', '{}', 0) on conflict (id) do nothing`,
      [memberId, demoOrgId(code)],
    );
}

class DemoWriter {
  private readonly clock = new SystemClock();
  private readonly ctx: CommandContext = { actor: SEED_ACTOR, correlationId: 'demo-seed' };
  private readonly pairings: FormPairingHandler;
  private readonly projects: ProjectHandlers;
  private readonly funds: FundHandlers;
  private readonly work: FieldWorkHandlers;

  constructor(ds: DataSource) {
    const ids = new UuidIdGenerator();
    const uow = new TypeOrmUnitOfWork(ds, this.clock, ids);
    const roster = new PgRoster((ds.driver as unknown as { master: Pool }).master);
    const pairingRepo = new PgPairingRepository();
    const projectRepo = new PgProjectRepository();
    const access = new ProjectAccess(projectRepo);
    this.pairings = new FormPairingHandler(uow, pairingRepo, roster, this.clock, ids);
    this.projects = new ProjectHandlers(uow, projectRepo, pairingRepo, roster, this.clock, ids, access);
    this.funds = new FundHandlers(uow, new PgFundRepository(), this.clock, ids, access);
    this.work = new FieldWorkHandlers(uow, new PgFieldWorkRepository(), pairingRepo, roster, this.clock, ids);
  }

  async write(villages: readonly DemoOrganization[], members: ReadonlyMap<string, string>): Promise<void> {
    const today = this.clock.today();
    const day = (n: number) => addDays(today, n);
    const quarterStart = quarterOf(today).first;
    for (const [i, v] of villages.entries()) {
      const villageId = demoOrgId(v.code);
      const lagging = i === villages.length - 1;
      const memberId = members.get(v.code)!;
      const { id: pairingId } = await this.pairings.execute(this.ctx, villageId, {
        helperUnitName: HELPERS[i]!,
        from: day(-400),
        to: day(700),
        goals: ['村集体经济收入年增10%', '解决群众反映强烈的实际困难'],
        lagging,
        ...(lagging
          ? {
              villagePlan: '一村一策：调整村两委班子，发展肉羊养殖，三年内摘掉后进帽子',
              fiveFixedPoints: {
                leaderSub: 'demo-banner-leader',
                townshipOrgId: demoOrgId(v.parentCode!),
                helperUnitName: HELPERS[i]!,
                cadreMemberId: memberId,
                supervisingOffice: '组织部组织股',
              },
            }
          : {}),
      });
      const { id: cadreId } = await this.work.dispatch(this.ctx, villageId, {
        memberId,
        role: 'first_secretary',
        sendingUnitName: HELPERS[i]!,
        from: day(-380),
        to: day(700),
      });
      const households: string[] = [];
      for (let h = 1; h <= 5; h++) {
        const { id } = await this.work.registerHousehold(this.ctx, villageId, { label: `${h}组${10 + h}号`, headName: `示范户${h}` });
        await this.work.issueCard(this.ctx, cadreId, id);
        households.push(id);
      }
      await this.work.writeDiary(this.ctx, cadreId, { writtenOn: day(-30), text: '入户走访，了解春耕备耕困难，协调化肥种子。' });
      // Three households visited this quarter; the other two last time in the previous quarter: the overdue list names them.
      await this.work.logVisit(this.ctx, cadreId, { visitedOn: addDays(quarterStart, -10), householdIds: households, summary: '季度走访' });
      await this.work.logVisit(this.ctx, cadreId, { visitedOn: today, householdIds: households.slice(0, 3), summary: '本季度走访' });
      await this.work.recordDeed(this.ctx, villageId, {
        pairingId,
        cadreId,
        category: PROJECTS[i]!.category,
        title: '修复村内饮水井',
        doneOn: day(-60),
        amountFen: fen(8_000),
        householdsHelped: 12,
      });
      await this.project(villageId, pairingId, i, day);
    }
  }

  /** Project `i` is left at lifecycle state `i` (planned … evaluated) with its funds. */
  private async project(villageId: string, pairingId: string, i: number, day: (n: number) => string): Promise<void> {
    const p = PROJECTS[i]!;
    const { id } = await this.projects.plan(this.ctx, villageId, {
      pairingId,
      name: p.name,
      category: p.category,
      budgetFen: fen(p.budgetYuan),
      beneficiaryHouseholds: p.households,
      plannedOn: day(-300),
    });
    const { id: m1 } = await this.projects.addMilestone(this.ctx, id, { title: '开工准备', dueOn: day(-200) });
    const { id: m2 } = await this.projects.addMilestone(this.ctx, id, { title: '主体完工', dueOn: day(-20) });
    if (i >= 1) await this.projects.advance(this.ctx, id, 'approve', day(-280));
    if (i >= 1) {
      const half = Math.floor(fen(p.budgetYuan) / 2);
      await this.funds.allocate(this.ctx, id, { source: 'fiscal', amountFen: half, on: day(-270) });
      await this.funds.allocate(this.ctx, id, { source: 'helper_unit', amountFen: fen(p.budgetYuan) - half, on: day(-265) });
    }
    if (i >= 2) {
      await this.projects.advance(this.ctx, id, 'start', day(-250));
      await this.projects.reachMilestone(this.ctx, id, m1, day(-210));
      const paid = await this.funds.disburse(this.ctx, id, {
        source: 'fiscal',
        amountFen: fen(10_000),
        on: day(-200),
        purpose: '重复录入的进度款',
      });
      await this.funds.reverse(this.ctx, id, paid.movementId, { on: day(-199), reason: '重复录入，冲正' });
      await this.funds.disburse(this.ctx, id, {
        source: 'fiscal',
        amountFen: Math.floor(fen(p.budgetYuan) / 4),
        on: day(-150),
        purpose: '进度款',
      });
    }
    if (i >= 3) {
      await this.projects.reachMilestone(this.ctx, id, m2, day(-25));
      for (const step of STEPS.slice(2, Math.min(i, 4)))
        await this.projects.advance(this.ctx, id, step, day(step === 'complete' ? -15 : -5));
    }
    if (i >= 5) await this.projects.evaluate(this.ctx, id, 'satisfied', day(-2));
  }
}
