import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../../application/ports/context.port';
import type {
  DisclosureView,
  FundTotalsView,
  LateMilestoneView,
  OversightReadModel,
  OverdueVisitView,
  Page,
} from '../../application/ports/read-model.port';
import { quarterOf } from '../../domain/shared/day';
import { IN_SCOPE, num, numOrNull, UUID, type Row } from './pg-read-model';

/**
 * An organisation's fund totals (ADR 0071): the sum of its slots in `fund_totals`, which triggers
 * keep in every writer's transaction — no scan of the subtree. `$1` the actor's organisation,
 * `$2` the one asked about; `within` is null when it lies outside the actor's subtree (answered
 * like an unknown id). One round trip; the bench's SQL ceiling runs this same statement.
 */
export const FUND_TOTALS = `
  select (select true from roster_organizations o where o.id = $2::uuid and ${IN_SCOPE}) as within,
         coalesce(sum(t.projects), 0) as projects, coalesce(sum(t.budget_fen), 0) as budget_fen,
         coalesce(sum(t.allocated_fen), 0) as allocated_fen, coalesce(sum(t.disbursed_fen), 0) as disbursed_fen
    from fund_totals t where t.org_id = $2::uuid`;

/** The overdue lists, the totals and the public page: judged when read, over the service's own tables. */
@Injectable()
export class PgOversightReadModel implements OversightReadModel {
  constructor(private readonly ds: DataSource) {}

  private q(sql: string, params: unknown[]): Promise<Row[]> {
    return this.ds.query<Row[]>(sql, params);
  }

  private scoped(actor: Actor, ...ids: (string | undefined)[]): actor is Actor & { orgId: string } {
    return !!actor.orgId && UUID.test(actor.orgId) && ids.every((id) => id === undefined || UUID.test(id));
  }

  /**
   * 每季度至少走访1次联系户 (seed 004): households holding the card of a cadre serving today
   * who have had no visit this quarter (China time), by any cadre. Judged when read.
   */
  async overdueVisits(
    actor: Actor,
    today: string,
    filter: { villageId?: string },
    page: Page,
  ): Promise<{ quarter: string; items: OverdueVisitView[] }> {
    const quarter = quarterOf(today);
    if (!this.scoped(actor, filter.villageId)) return { quarter: quarter.label, items: [] };
    const rows = await this.q(
      `select h.id, h.label, h.org_id, o.name as village_name, array_agg(c.id order by c.id) as cadre_ids,
              (select max(v.visited_on)::text from visit_households v where v.household_id = h.id) as last_visited_on
         from contact_cards k
         join cadres c on c.id = k.cadre_id and $2::date between c.starts_on and c.ends_on
         join households h on h.id = k.household_id
         join roster_organizations o on o.id = h.org_id
        where ${IN_SCOPE} and ($7::uuid is null or h.org_id = $7)
          and not exists (select 1 from visit_households v where v.household_id = h.id and v.visited_on between $3::date and $4::date)
        group by h.id, h.label, h.org_id, o.name
        order by o.name, h.label limit $5 offset $6`,
      [actor.orgId, today, quarter.first, quarter.last, page.limit, page.offset, filter.villageId ?? null],
    );
    return {
      quarter: quarter.label,
      items: rows.map((r) => ({
        householdId: r['id'] as string,
        label: r['label'] as string,
        orgId: r['org_id'] as string,
        villageName: r['village_name'] as string,
        cadreIds: r['cadre_ids'] as string[],
        lastVisitedOn: (r['last_visited_on'] as string | null) ?? null,
      })),
    };
  }

  async lateMilestones(actor: Actor, today: string, filter: { villageId?: string }, page: Page): Promise<LateMilestoneView[]> {
    if (!this.scoped(actor, filter.villageId)) return [];
    const rows = await this.q(
      `select p.id as project_id, p.name as project_name, p.org_id, o.name as village_name, m.id as milestone_id, m.title, m.due_on::text,
              ($2::date - m.due_on) as days_late
         from milestones m join projects p on p.id = m.project_id join roster_organizations o on o.id = p.org_id
        where ${IN_SCOPE} and m.reached_on is null and m.due_on < $2::date and p.status in ('approved', 'in_progress')
          and ($5::uuid is null or p.org_id = $5)
        order by m.due_on, m.id limit $3 offset $4`,
      [actor.orgId, today, page.limit, page.offset, filter.villageId ?? null],
    );
    return rows.map((r) => ({
      projectId: r['project_id'] as string,
      projectName: r['project_name'] as string,
      orgId: r['org_id'] as string,
      villageName: r['village_name'] as string,
      milestoneId: r['milestone_id'] as string,
      title: r['title'] as string,
      dueOn: r['due_on'] as string,
      daysLate: num(r['days_late']),
    }));
  }

  async fundTotals(actor: Actor, orgId: string): Promise<FundTotalsView | null> {
    if (!this.scoped(actor, orgId)) return null;
    const [r] = await this.q(FUND_TOTALS, [actor.orgId, orgId]);
    if (!r?.['within']) return null;
    const allocated = num(r['allocated_fen']);
    const disbursed = num(r['disbursed_fen']);
    return {
      orgId,
      projects: num(r['projects']),
      budgetFen: num(r['budget_fen']),
      allocatedFen: allocated,
      disbursedFen: disbursed,
      balanceFen: allocated - disbursed,
    };
  }

  async disclosure(villageId: string): Promise<DisclosureView | null> {
    if (!UUID.test(villageId)) return null;
    const [village] = await this.q(`select id, name from roster_organizations where id = $1 and level = 'village'`, [villageId]);
    if (!village) return null;
    // Whitelisted columns only: no household, no cadre, no person, no free text a name could hide in (deed titles, diary, purposes).
    const projects = await this.q(
      `select p.id, p.name, p.category, p.status, p.budget_fen,
              coalesce((select sum(allocated_fen) from fund_balances b where b.project_id = p.id), 0) as allocated_fen,
              coalesce((select sum(disbursed_fen) from fund_balances b where b.project_id = p.id), 0) as disbursed_fen,
              coalesce((select jsonb_agg(jsonb_build_object('title', m.title, 'dueOn', m.due_on, 'reachedOn', m.reached_on) order by m.due_on)
                          from milestones m where m.project_id = p.id), '[]') as milestones
         from projects p where p.org_id = $1 and p.status <> 'planned' order by p.planned_on desc, p.id limit 500`,
      [villageId],
    );
    const deeds = await this.q(
      `select category, done_on::text, amount_fen from deeds where org_id = $1 order by done_on desc, id limit 500`,
      [villageId],
    );
    return {
      orgId: villageId,
      villageName: village['name'] as string,
      projects: projects.map((p) => ({
        name: p['name'] as string,
        category: p['category'] as string,
        status: p['status'] as string,
        budgetFen: num(p['budget_fen']),
        allocatedFen: num(p['allocated_fen']),
        disbursedFen: num(p['disbursed_fen']),
        milestones: p['milestones'] as { title: string; dueOn: string; reachedOn: string | null }[],
      })),
      deeds: deeds.map((d) => ({
        category: d['category'] as string,
        doneOn: d['done_on'] as string,
        amountFen: numOrNull(d['amount_fen']),
      })),
    };
  }
}
