import type { Pool } from 'pg';
import { FIGURES, FIGURE_BY_KEY, combine, type FigureDefinition, type FigureValue } from '../domain/figures';
import type { Period } from '../domain/period';
import { subtreeOf, type Subtree } from './subtree';

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

/** The three roster figures in one statement: (figure, amount, n) over the subtree's active rows. */
const rosterSql = (t: Subtree) => `
  select 'organizations' as figure, count(*)::bigint as amount, count(*)::bigint as n
    from rpt_org o where ${t.orgRow('o')} and o.status = 'active'
  union all
  select 'contact_points', coalesce(sum(o.contact_points), 0)::bigint, count(*) filter (where o.contact_points > 0)::bigint
    from rpt_org o where ${t.orgRow('o')} and o.status = 'active'
  union all
  select 'members', count(*)::bigint, count(*)::bigint
    from rpt_member m where ${t.orgIn('m.org_id')} and m.membership = 'active'`;

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
    const t = await subtreeOf(this.pool, rootId);
    const [facts, roster] = await Promise.all([
      this.pool.query<FactAgg>(
        `select f.figure, sum(f.amount)::bigint as amount, sum(f.weight)::bigint as weight, count(*)::bigint as n
           from rpt_fact f
          where ${t.orgIn('f.org_id')} and f.day >= $2::date and f.day < $3::date
          group by f.figure`,
        [t.param, period.from, period.to],
      ),
      this.roster(t),
    ]);
    const rows = new Map(facts.rows.map((x) => [x.figure, x]));
    const out = new Map<string, FigureValue>();
    for (const d of FIGURES) out.set(d.key, d.kind === 'roster' ? (roster.get(d.key) as FigureValue) : valueOf(d, rows.get(d.key)));
    return out;
  }

  /**
   * One figure per period (a series' quarters) in one statement over the subtree resolved
   * once. A roster figure is the roster as it stands now, the same in every period.
   */
  async series(rootId: string, figure: string, periods: readonly Period[]): Promise<FigureValue[]> {
    const d = FIGURE_BY_KEY.get(figure);
    if (!d || periods.length === 0) return [];
    const t = await subtreeOf(this.pool, rootId);
    if (d.kind === 'roster') {
      const v = (await this.roster(t)).get(figure) as FigureValue;
      return periods.map(() => v);
    }
    const r = await this.pool.query<FactAgg & { i: string }>(
      `select p.i, sum(f.amount)::bigint as amount, sum(f.weight)::bigint as weight, count(*)::bigint as n
         from rpt_fact f
         join unnest($3::date[], $4::date[]) with ordinality as p(d0, d1, i) on f.day >= p.d0 and f.day < p.d1
        where ${t.orgIn('f.org_id')} and f.figure = $2 and f.day >= $5::date and f.day < $6::date
        group by p.i`,
      [
        t.param,
        figure,
        periods.map((p) => p.from),
        periods.map((p) => p.to),
        periods.reduce((m, p) => (p.from < m ? p.from : m), periods[0]!.from),
        periods.reduce((m, p) => (p.to > m ? p.to : m), periods[0]!.to),
      ],
    );
    const byIndex = new Map(r.rows.map((x) => [Number(x.i), x]));
    return periods.map((_, i) => valueOf(d, byIndex.get(i + 1)));
  }

  private async roster(t: Subtree): Promise<Map<string, FigureValue>> {
    const q = await this.pool.query<{ figure: string; amount: string; n: string }>(rosterSql(t), [t.param]);
    return new Map(
      q.rows.map((row) => {
        const n = Number(row.n);
        return [row.figure, { key: row.figure, value: n === 0 ? null : Number(row.amount), events: n }];
      }),
    );
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
