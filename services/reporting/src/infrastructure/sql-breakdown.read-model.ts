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

type Agg = { anc: string; figure: string; amount: string; weight: string; n: string };

/**
 * Figures of every organisation `depth` levels below the root, each over its own subtree, from
 * those organisations' totals (ADR 0055) in two grouped statements whatever the subtree's size.
 */
export class SqlBreakdownReadModel {
  constructor(private readonly pool: Pool) {}

  async below(rootId: string, depth: number, period: Period): Promise<BreakdownRow[]> {
    const root = await this.pool.query<{ n: number }>('select cardinality(path) as n from rpt_org where id = $1', [rootId]);
    if (!root.rows[0]) return [];
    const at = root.rows[0].n + depth;
    // One level below: by parent (its own index), still checked against the path as for any depth.
    const orgs = await this.pool.query<{ id: string; parent_id: string | null; name: string; level: string; code: string }>(
      `select id, parent_id, name, level, code from rpt_org
        where ${depth === 1 ? 'parent_id = $1 and ' : ''}path @> array[$1::uuid] and cardinality(path) = $2 and status = 'active' order by code`,
      [rootId, at],
    );
    if (orgs.rows.length === 0) return [];
    const ids = orgs.rows.map((o) => o.id);
    const [facts, roster] = await Promise.all([
      this.pool.query<Agg>(
        `select anc_id as anc, figure, sum(amount)::bigint as amount, sum(weight)::bigint as weight, sum(n)::bigint as n
           from rpt_fact_total where anc_id = any($1::uuid[]) and month >= $2::date and month < $3::date
          group by 1, 2 having sum(n) > 0`,
        [ids, period.from, period.to],
      ),
      this.pool.query<RosterTotals & { anc: string }>(
        `select anc_id as anc, sum(organizations)::bigint as organizations, sum(contact_points)::bigint as contact_points,
                sum(contact_orgs)::bigint as contact_orgs, sum(members)::bigint as members
           from rpt_roster_total where anc_id = any($1::uuid[]) group by 1`,
        [ids],
      ),
    ]);
    const rosters = new Map(roster.rows.map((r) => [r.anc, rosterFigures(r)]));
    const byOrg = new Map<string, Map<string, Agg>>();
    for (const r of facts.rows) {
      const m = byOrg.get(r.anc) ?? new Map<string, Agg>();
      m.set(r.figure, r);
      byOrg.set(r.anc, m);
    }
    return orgs.rows.map((o) => {
      const rows = byOrg.get(o.id);
      const figures = new Map<string, FigureValue>();
      const own = rosters.get(o.id) ?? rosterFigures(undefined);
      for (const d of FIGURES) {
        if (d.kind === 'roster') {
          figures.set(d.key, own.get(d.key) as FigureValue);
          continue;
        }
        const a = rows?.get(d.key);
        const n = Number(a?.n ?? 0);
        const v = n === 0 ? combine(d, []) : combine(d, [{ amount: Number(a?.amount), weight: Number(a?.weight) }]);
        figures.set(d.key, { ...v, value: n === 0 ? null : v.value, events: n });
      }
      return { orgId: o.id, parentId: o.parent_id, name: o.name, level: o.level, code: o.code, figures };
    });
  }
}
