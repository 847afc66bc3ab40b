import type { Pool } from 'pg';
import { FIGURES, FIGURE_BY_KEY, combine, type FigureValue } from '../domain/figures';
import type { Period } from '../domain/period';

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

const ROSTER_SQL: Record<string, string> = {
  organizations: `select count(*)::bigint as amount, count(*)::bigint as n from rpt_org o where o.path @> array[$1::uuid] and o.status = 'active'`,
  contact_points: `select coalesce(sum(o.contact_points), 0)::bigint as amount, count(*) filter (where o.contact_points > 0)::bigint as n
                     from rpt_org o where o.path @> array[$1::uuid] and o.status = 'active'`,
  members: `select count(*)::bigint as amount, count(*)::bigint as n from rpt_member m join rpt_org o on o.id = m.org_id
             where o.path @> array[$1::uuid] and m.membership = 'active'`,
};

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
    const out = new Map<string, FigureValue>();
    const r = await this.pool.query<{ figure: string; amount: string; weight: string; n: string }>(
      `select f.figure, sum(f.amount)::bigint as amount, sum(f.weight)::bigint as weight, count(*)::bigint as n
         from rpt_fact f join rpt_org o on o.id = f.org_id
        where o.path @> array[$1::uuid] and f.day >= $2::date and f.day < $3::date
        group by f.figure`,
      [rootId, period.from, period.to],
    );
    const rows = new Map(r.rows.map((x) => [x.figure, x]));
    for (const d of FIGURES) {
      if (d.kind === 'roster') {
        const q = await this.pool.query<{ amount: string; n: string }>(ROSTER_SQL[d.key] as string, [rootId]);
        const row = q.rows[0];
        const n = Number(row?.n ?? 0);
        out.set(d.key, { key: d.key, value: n === 0 ? null : Number(row?.amount), events: n });
        continue;
      }
      const row = rows.get(d.key);
      // Sums arrive pre-aggregated: one synthetic fact carries the totals, `events` the real count.
      const v = combine(d, row ? [{ amount: Number(row.amount), weight: Number(row.weight) }] : []);
      out.set(d.key, { ...v, events: row ? Number(row.n) : 0 });
    }
    return out;
  }

  /** The events behind one figure, oldest first, at most `limit`. */
  async trace(figure: string, rootId: string, period: Period, limit: number): Promise<TracedEvent[]> {
    const d = FIGURE_BY_KEY.get(figure);
    if (!d) return [];
    type Row = {
      event_id: string;
      event_type: string;
      stream_id: string;
      org_id: string;
      occurred_at: Date;
      amount: string;
      weight: string;
    };
    const r =
      d.kind === 'roster'
        ? await this.pool.query<Row>(ROSTER_TRACE_SQL[figure] as string, [rootId, limit])
        : await this.pool.query<Row>(
            `select f.event_id, f.event_type, f.stream_id, f.org_id, f.occurred_at, f.amount, f.weight
               from rpt_fact f join rpt_org o on o.id = f.org_id
              where f.figure = $1 and o.path @> array[$2::uuid] and f.day >= $3::date and f.day < $4::date
              order by f.occurred_at, f.event_id limit $5`,
            [figure, rootId, period.from, period.to, limit],
          );
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
}
