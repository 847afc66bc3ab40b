import type { Pool } from 'pg';
import { FIGURES, combine, type FigureValue } from '../domain/figures';
import type { Period } from '../domain/period';
import { rosterFigures, type RosterTotals } from './sql-figures.read-model';

export interface BreakdownRow {
  readonly orgId: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly level: string;
  readonly code: string;
  readonly figures: ReadonlyMap<string, FigureValue>;
}

/** An organisation below the root with its roster totals and its facts' sums, figure → [amount, weight, n]. */
type Row = RosterTotals & {
  id: string;
  parent_id: string | null;
  name: string;
  level: string;
  code: string;
  facts: Record<string, [number, number, number]> | null;
};

/**
 * Figures of every organisation `depth` levels below the root, each over its own subtree, from
 * those organisations' totals (ADR 0055), in one statement whatever the subtree's size. Each
 * organisation's facts come back as one JSON object rather than a row per figure: a county's 57
 * townships × 56 figures were 3,000 rows for the driver to parse on every request, the largest
 * part of the service's CPU for this query (ADR 0076).
 */
export class SqlBreakdownReadModel {
  constructor(private readonly pool: Pool) {}

  /** How many active organisations lie `depth` levels below the root: what `below` would return, without its figures. */
  async countBelow(rootId: string, depth: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>({
      text: `with root as (select cardinality(path) + $2::int as at from rpt_org where id = $1)
             select count(*)::int as n from rpt_org o, root
              where ${depth === 1 ? 'o.parent_id = $1 and ' : ''}o.path @> array[$1::uuid] and cardinality(o.path) = root.at and o.status = 'active'`,
      values: [rootId, depth],
    });
    return rows[0]?.n ?? 0;
  }

  async below(rootId: string, depth: number, period: Period): Promise<BreakdownRow[]> {
    // Not a named statement: a generic plan cannot tell a county (its townships by parent) from a
    // province, whose path matches every organisation; planned with the root each time, it can.
    const { rows } = await this.pool.query<Row>({
      text: `with root as (select cardinality(path) + $2::int as at from rpt_org where id = $1),
         orgs as (
           select o.id, o.parent_id, o.name, o.level, o.code from rpt_org o, root
            where ${depth === 1 ? 'o.parent_id = $1 and ' : ''}o.path @> array[$1::uuid] and cardinality(o.path) = root.at and o.status = 'active')
       select o.*, r.organizations, r.contact_points, r.contact_orgs, r.members, f.facts
         from orgs o
         left join lateral (
           select sum(organizations)::bigint as organizations, sum(contact_points)::bigint as contact_points,
                  sum(contact_orgs)::bigint as contact_orgs, sum(members)::bigint as members
             from rpt_roster_total where anc_id = o.id) r on true
         left join lateral (
           select json_object_agg(figure, json_build_array(amount, weight, n)) as facts
             from (select figure, sum(amount)::bigint as amount, sum(weight)::bigint as weight, sum(n)::bigint as n
                     from rpt_fact_total where anc_id = o.id and month >= $3::date and month < $4::date
                    group by figure having sum(n) > 0) s) f on true
        order by o.code`,
      values: [rootId, depth, period.from, period.to],
    });
    return rows.map((o) => {
      const figures = new Map<string, FigureValue>();
      const own = rosterFigures(o);
      for (const d of FIGURES) {
        if (d.kind === 'roster') {
          figures.set(d.key, own.get(d.key) as FigureValue);
          continue;
        }
        const [amount, weight, n] = o.facts?.[d.key] ?? [0, 0, 0];
        const v = n === 0 ? combine(d, []) : combine(d, [{ amount, weight }]);
        figures.set(d.key, { ...v, value: n === 0 ? null : v.value, events: n });
      }
      return { orgId: o.id, parentId: o.parent_id, name: o.name, level: o.level, code: o.code, figures };
    });
  }
}
