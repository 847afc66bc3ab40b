import type { Pool } from 'pg';
import { FIGURES, FIGURE_BY_KEY, combine, type FigureDefinition, type FigureValue } from '../domain/figures';
import type { Period } from '../domain/period';
import { subtreeOf } from './subtree';

export interface OrgRow {
  readonly id: string;
  readonly name: string;
  readonly level: string;
  readonly code: string;
}

export interface TracedEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly streamId: string;
  readonly orgId: string;
  readonly occurredAt: string;
  readonly amount: number;
  readonly weight: number;
}

/** Whether the root is a known organisation: a subtree is counted from it, as the tree knows it. */
const KNOWN = 'exists (select 1 from rpt_org r where r.id = $1)';

/**
 * The subtree's totals (migration 1766000000003, ADR 0055): one row per month, figure and slot of
 * the root itself, each the sum of every fact under it; `n` is how many events, 0 when none counts.
 */
const FACTS_SQL = `select t.figure, sum(t.amount)::bigint as amount, sum(t.weight)::bigint as weight, sum(t.n)::bigint as n
    from rpt_fact_total t where t.anc_id = $1 and t.month >= $2::date and t.month < $3::date and ${KNOWN}
   group by t.figure having sum(t.n) > 0`;

/** The roster as it stands: its totals row per slot of the root. */
const ROSTER_SQL = `select coalesce(sum(organizations), 0)::bigint as organizations, coalesce(sum(contact_points), 0)::bigint as contact_points,
         coalesce(sum(contact_orgs), 0)::bigint as contact_orgs, coalesce(sum(members), 0)::bigint as members
    from rpt_roster_total where anc_id = $1 and ${KNOWN}`;

export type RosterTotals = { organizations: string; contact_points: string; contact_orgs: string; members: string };

/** The three roster figures from their totals: (figure, amount, events); no events reads as no data. */
export function rosterFigures(t: RosterTotals | undefined): Map<string, FigureValue> {
  const rows: [string, number, number][] = [
    ['organizations', Number(t?.organizations ?? 0), Number(t?.organizations ?? 0)],
    ['contact_points', Number(t?.contact_points ?? 0), Number(t?.contact_orgs ?? 0)],
    ['members', Number(t?.members ?? 0), Number(t?.members ?? 0)],
  ];
  return new Map(rows.map(([key, amount, n]) => [key, { key, value: n === 0 ? null : amount, events: n }]));
}

type TraceRow = {
  event_id: string;
  event_type: string;
  stream_id: string;
  org_id: string;
  occurred_at: Date;
  amount: string;
  weight: string;
};

type FactAgg = { figure: string; amount: string; weight: string; n: string };

const ROSTER_TRACE_SQL: Record<string, string> = {
  organizations: `select o.event_id, 'organization.OrganizationState' as event_type, 'organization-' || o.id as stream_id, o.id as org_id,
                         o.occurred_at, 1 as amount, 1 as weight
                    from rpt_org o where o.path @> array[$1::uuid] and o.status = 'active' order by o.code limit $2`,
  contact_points: `select o.event_id, 'organization.OrganizationState' as event_type, 'organization-' || o.id as stream_id, o.id as org_id,
                          o.occurred_at, o.contact_points as amount, 1 as weight
                     from rpt_org o where o.path @> array[$1::uuid] and o.status = 'active' and o.contact_points > 0 order by o.code limit $2`,
  members: `select m.event_id, 'organization.MemberState' as event_type, 'member-' || m.member_id as stream_id, m.org_id, m.occurred_at,
                   1 as amount, 1 as weight
              from rpt_member m join rpt_org o on o.id = m.org_id
             where o.path @> array[$1::uuid] and m.membership = 'active' order by m.member_id limit $2`,
};

/** Sums arrive pre-aggregated: one synthetic fact carries the totals, `events` the real count. */
function valueOf(d: FigureDefinition, row: FactAgg | undefined): FigureValue {
  const v = combine(d, row ? [{ amount: Number(row.amount), weight: Number(row.weight) }] : []);
  return { ...v, events: row ? Number(row.n) : 0 };
}

/**
 * Figures from the projection: a subtree is every organisation whose path holds the root
 * (so the figure follows the tree as it stands now, moves included), a period a range of
 * Asia/Shanghai days. A figure's events are exactly the rows its sum was taken over.
 */
export class SqlFiguresReadModel {
  constructor(private readonly pool: Pool) {}

  async org(id: string): Promise<OrgRow | undefined> {
    const r = await this.pool.query<OrgRow>('select id, name, level, code from rpt_org where id = $1', [id]);
    return r.rows[0];
  }

  async children(id: string): Promise<OrgRow[]> {
    const r = await this.pool.query<OrgRow>(
      `select id, name, level, code from rpt_org where parent_id = $1 and status = 'active' order by code`,
      [id],
    );
    return r.rows;
  }

  /** Every figure for the subtree and period. */
  async figures(rootId: string, period: Period): Promise<Map<string, FigureValue>> {
    const [facts, roster] = await Promise.all([this.pool.query<FactAgg>(FACTS_SQL, [rootId, period.from, period.to]), this.roster(rootId)]);
    const rows = new Map(facts.rows.map((x) => [x.figure, x]));
    const out = new Map<string, FigureValue>();
    for (const d of FIGURES) out.set(d.key, d.kind === 'roster' ? (roster.get(d.key) as FigureValue) : valueOf(d, rows.get(d.key)));
    return out;
  }

  /**
   * One figure per period (a series' quarters) in one statement over the root's totals. A
   * roster figure is the roster as it stands now, the same in every period.
   */
  async series(rootId: string, figure: string, periods: readonly Period[]): Promise<FigureValue[]> {
    const d = FIGURE_BY_KEY.get(figure);
    if (!d || periods.length === 0) return [];
    if (d.kind === 'roster') {
      const v = (await this.roster(rootId)).get(figure) as FigureValue;
      return periods.map(() => v);
    }
    const r = await this.pool.query<FactAgg & { i: string }>(
      `select p.i, sum(t.amount)::bigint as amount, sum(t.weight)::bigint as weight, sum(t.n)::bigint as n
         from rpt_fact_total t
         join unnest($3::date[], $4::date[]) with ordinality as p(d0, d1, i) on t.month >= p.d0 and t.month < p.d1
        where t.anc_id = $1 and t.figure = $2 and ${KNOWN}
        group by p.i having sum(t.n) > 0`,
      [rootId, figure, periods.map((p) => p.from), periods.map((p) => p.to)],
    );
    const byIndex = new Map(r.rows.map((x) => [Number(x.i), x]));
    return periods.map((_, i) => valueOf(d, byIndex.get(i + 1)));
  }

  private async roster(rootId: string): Promise<Map<string, FigureValue>> {
    return rosterFigures((await this.pool.query<RosterTotals>(ROSTER_SQL, [rootId])).rows[0]);
  }

  /** The events behind one figure, oldest first, at most `limit`. */
  async trace(figure: string, rootId: string, period: Period, limit: number): Promise<TracedEvent[]> {
    const d = FIGURE_BY_KEY.get(figure);
    if (!d) return [];
    const r =
      d.kind === 'roster'
        ? await this.pool.query<TraceRow>(ROSTER_TRACE_SQL[figure] as string, [rootId, limit])
        : await this.subtreeTrace(figure, rootId, period, limit);
    return r.rows.map((x) => ({
      eventId: x.event_id,
      eventType: x.event_type,
      streamId: x.stream_id,
      orgId: x.org_id,
      occurredAt: new Date(x.occurred_at).toISOString(),
      amount: Number(x.amount),
      weight: Number(x.weight),
    }));
  }

  private async subtreeTrace(figure: string, rootId: string, period: Period, limit: number) {
    const t = await subtreeOf(this.pool, rootId);
    return this.pool.query<TraceRow>(
      `select f.event_id, f.event_type, f.stream_id, f.org_id, f.occurred_at, f.amount, f.weight
         from rpt_fact f
        where ${t.orgIn('f.org_id')} and f.figure = $2 and f.day >= $3::date and f.day < $4::date
        order by f.occurred_at, f.event_id limit $5`,
      [t.param, figure, period.from, period.to, limit],
    );
  }
}
