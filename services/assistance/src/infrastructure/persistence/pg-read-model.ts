import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../../application/ports/context.port';
import type {
  AssistanceReadModel,
  CadreView,
  DeedView,
  DiaryEntryView,
  HouseholdView,
  MovementView,
  Page,
  PairingView,
  ProjectDetailView,
  ProjectView,
} from '../../application/ports/read-model.port';
import { PAIRING_COLUMNS, pairingOf } from './pg-pairings.repository';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type Row = Record<string, unknown>;
export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * `o` is the row's village in the roster copy; the scope holds when the actor's organisation is
 * on its path and still active (a token naming a dissolved or merged one reads nothing).
 */
export const IN_SCOPE = `$1::uuid = any(o.path) and exists (select 1 from roster_organizations a where a.id = $1::uuid and a.status = 'active')`;

const PROJECT_SELECT = `
  select p.id, p.org_id, o.name as village_name, p.pairing_id, p.name, p.category, p.budget_fen, p.beneficiary_households, p.status,
         p.planned_on::text, p.approved_on::text, p.last_step_on::text, p.satisfaction,
         coalesce((select sum(b.allocated_fen) from fund_balances b where b.project_id = p.id), 0) as allocated_fen,
         coalesce((select sum(b.disbursed_fen) from fund_balances b where b.project_id = p.id), 0) as disbursed_fen
    from projects p join roster_organizations o on o.id = p.org_id`;

const projectOf = (r: Row): ProjectView => ({
  id: r['id'] as string,
  orgId: r['org_id'] as string,
  villageName: r['village_name'] as string,
  pairingId: (r['pairing_id'] as string | null) ?? null,
  name: r['name'] as string,
  category: r['category'] as string,
  budgetFen: num(r['budget_fen']),
  beneficiaryHouseholds: num(r['beneficiary_households']),
  status: r['status'] as string,
  plannedOn: r['planned_on'] as string,
  approvedOn: (r['approved_on'] as string | null) ?? null,
  lastStepOn: r['last_step_on'] as string,
  satisfaction: (r['satisfaction'] as string | null) ?? null,
  allocatedFen: num(r['allocated_fen']),
  disbursedFen: num(r['disbursed_fen']),
});

const CADRE_SELECT = `
  select c.id, c.member_id, c.org_id, o.name as village_name, c.role, c.sending_unit_name, c.starts_on::text, c.ends_on::text,
         (select count(*) from contact_cards k where k.cadre_id = c.id) as households
    from cadres c join roster_organizations o on o.id = c.org_id`;

const cadreOf = (r: Row): CadreView => ({
  id: r['id'] as string,
  memberId: r['member_id'] as string,
  orgId: r['org_id'] as string,
  villageName: r['village_name'] as string,
  role: r['role'] as string,
  sendingUnitName: r['sending_unit_name'] as string,
  from: r['starts_on'] as string,
  to: r['ends_on'] as string,
  households: num(r['households']),
});

/** Every read of the service, in SQL over its own tables and roster copy. */
@Injectable()
export class PgAssistanceReadModel implements AssistanceReadModel {
  constructor(private readonly ds: DataSource) {}

  private q(sql: string, params: unknown[]): Promise<Row[]> {
    return this.ds.query<Row[]>(sql, params);
  }

  /** Actors without an organisation, and ids that are not uuids, see nothing (no query, no 500). */
  private scoped(actor: Actor, ...ids: (string | undefined)[]): actor is Actor & { orgId: string } {
    return !!actor.orgId && UUID.test(actor.orgId) && ids.every((id) => id === undefined || UUID.test(id));
  }

  async pairing(actor: Actor, id: string): Promise<PairingView | null> {
    if (!this.scoped(actor, id)) return null;
    const [r] = await this.q(
      `select ${PAIRING_COLUMNS.split(', ')
        .map((c) => `x.${c}`)
        .join(', ')}, o.name as village_name
         from pairings x join roster_organizations o on o.id = x.org_id where x.id = $2 and ${IN_SCOPE}`,
      [actor.orgId, id],
    );
    return r ? { ...pairingOf(r as never), villageName: r['village_name'] as string } : null;
  }

  async pairings(actor: Actor, f: { villageId?: string; lagging?: boolean }, page: Page): Promise<PairingView[]> {
    if (!this.scoped(actor, f.villageId)) return [];
    const rows = await this.q(
      `select ${PAIRING_COLUMNS.split(', ')
        .map((c) => `x.${c}`)
        .join(', ')}, o.name as village_name
         from pairings x join roster_organizations o on o.id = x.org_id
        where ${IN_SCOPE} and ($2::uuid is null or x.org_id = $2) and ($3::boolean is null or x.lagging = $3)
        order by x.starts_on desc, x.id limit $4 offset $5`,
      [actor.orgId, f.villageId ?? null, f.lagging ?? null, page.limit, page.offset],
    );
    return rows.map((r) => ({ ...pairingOf(r as never), villageName: r['village_name'] as string }));
  }

  async project(actor: Actor, id: string): Promise<ProjectDetailView | null> {
    if (!this.scoped(actor, id)) return null;
    const [r] = await this.q(`${PROJECT_SELECT} where p.id = $2 and ${IN_SCOPE}`, [actor.orgId, id]);
    if (!r) return null;
    const milestones = await this.q(
      `select id, title, due_on::text, reached_on::text from milestones where project_id = $1 order by due_on, id`,
      [id],
    );
    const balances = await this.q(`select source, allocated_fen, disbursed_fen from fund_balances where project_id = $1 order by source`, [
      id,
    ]);
    return {
      ...projectOf(r),
      milestones: milestones.map((m) => ({
        id: m['id'] as string,
        title: m['title'] as string,
        dueOn: m['due_on'] as string,
        reachedOn: (m['reached_on'] as string | null) ?? null,
      })),
      balances: balances.map((b) => ({
        source: b['source'] as string,
        allocatedFen: num(b['allocated_fen']),
        disbursedFen: num(b['disbursed_fen']),
        balanceFen: num(b['allocated_fen']) - num(b['disbursed_fen']),
      })),
    };
  }

  async projects(actor: Actor, f: { villageId?: string; status?: string }, page: Page): Promise<ProjectView[]> {
    if (!this.scoped(actor, f.villageId)) return [];
    const rows = await this.q(
      `${PROJECT_SELECT} where ${IN_SCOPE} and ($2::uuid is null or p.org_id = $2) and ($3::text is null or p.status = $3)
        order by p.planned_on desc, p.id limit $4 offset $5`,
      [actor.orgId, f.villageId ?? null, f.status ?? null, page.limit, page.offset],
    );
    return rows.map(projectOf);
  }

  async movements(actor: Actor, projectId: string, page: Page): Promise<MovementView[] | null> {
    if (!this.scoped(actor, projectId)) return null;
    const [visible] = await this.q(
      `select 1 from projects p join roster_organizations o on o.id = p.org_id where p.id = $2 and ${IN_SCOPE}`,
      [actor.orgId, projectId],
    );
    if (!visible) return null;
    const rows = await this.q(
      `select m.id, m.source, m.kind, m.amount_fen, m.on_day::text, m.purpose, m.reverses_id, r.id as reversed_by, m.balance_after_fen, m.recorded_at
         from fund_movements m left join fund_movements r on r.reverses_id = m.id
        where m.project_id = $1 order by m.recorded_at, m.id limit $2 offset $3`,
      [projectId, page.limit, page.offset],
    );
    return rows.map((m) => ({
      id: m['id'] as string,
      source: m['source'] as string,
      kind: m['kind'] as string,
      amountFen: num(m['amount_fen']),
      on: m['on_day'] as string,
      purpose: (m['purpose'] as string | null) ?? null,
      reversesId: (m['reverses_id'] as string | null) ?? null,
      reversedBy: (m['reversed_by'] as string | null) ?? null,
      balanceAfterFen: num(m['balance_after_fen']),
      recordedAt: (m['recorded_at'] as Date).toISOString(),
    }));
  }

  async cadre(actor: Actor, id: string): Promise<CadreView | null> {
    if (!this.scoped(actor, id)) return null;
    const [r] = await this.q(`${CADRE_SELECT} where c.id = $2 and ${IN_SCOPE}`, [actor.orgId, id]);
    return r ? cadreOf(r) : null;
  }

  async cadres(actor: Actor, f: { villageId?: string }, page: Page): Promise<CadreView[]> {
    if (!this.scoped(actor, f.villageId)) return [];
    const rows = await this.q(
      `${CADRE_SELECT} where ${IN_SCOPE} and ($2::uuid is null or c.org_id = $2) order by c.starts_on desc, c.id limit $3 offset $4`,
      [actor.orgId, f.villageId ?? null, page.limit, page.offset],
    );
    return rows.map(cadreOf);
  }

  async diary(actor: Actor, cadreId: string, page: Page): Promise<DiaryEntryView[] | null> {
    if (!(await this.cadre(actor, cadreId))) return null;
    const rows = await this.q(
      `select id, written_on::text, text from diary_entries where cadre_id = $1 order by written_on desc, id limit $2 offset $3`,
      [cadreId, page.limit, page.offset],
    );
    return rows.map((r) => ({ id: r['id'] as string, writtenOn: r['written_on'] as string, text: r['text'] as string }));
  }

  async households(actor: Actor, villageId: string, page: Page): Promise<HouseholdView[]> {
    if (!this.scoped(actor, villageId)) return [];
    const rows = await this.q(
      `select h.id, h.org_id, h.label, h.head_name, (select max(v.visited_on)::text from visit_households v where v.household_id = h.id) as last_visited_on
         from households h join roster_organizations o on o.id = h.org_id
        where ${IN_SCOPE} and h.org_id = $2 order by h.label limit $3 offset $4`,
      [actor.orgId, villageId, page.limit, page.offset],
    );
    return rows.map((r) => ({
      id: r['id'] as string,
      orgId: r['org_id'] as string,
      label: r['label'] as string,
      headName: r['head_name'] as string,
      lastVisitedOn: (r['last_visited_on'] as string | null) ?? null,
    }));
  }

  async deeds(actor: Actor, f: { villageId?: string }, page: Page): Promise<DeedView[]> {
    if (!this.scoped(actor, f.villageId)) return [];
    const rows = await this.q(
      `select d.id, d.org_id, d.pairing_id, d.cadre_id, d.category, d.title, d.done_on::text, d.amount_fen, d.households_helped
         from deeds d join roster_organizations o on o.id = d.org_id
        where ${IN_SCOPE} and ($2::uuid is null or d.org_id = $2) order by d.done_on desc, d.id limit $3 offset $4`,
      [actor.orgId, f.villageId ?? null, page.limit, page.offset],
    );
    return rows.map((r) => ({
      id: r['id'] as string,
      orgId: r['org_id'] as string,
      pairingId: (r['pairing_id'] as string | null) ?? null,
      cadreId: (r['cadre_id'] as string | null) ?? null,
      category: r['category'] as string,
      title: r['title'] as string,
      doneOn: r['done_on'] as string,
      amountFen: numOrNull(r['amount_fen']),
      householdsHelped: num(r['households_helped']),
    }));
  }
}
