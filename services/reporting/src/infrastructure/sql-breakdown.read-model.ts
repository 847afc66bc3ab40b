import type { Pool } from 'pg';
import { FIGURES, combine, type FigureValue } from '../domain/figures';
import type { Period } from '../domain/period';
import { subtreeOf } from './subtree';

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
 * Figures of every organisation `depth` levels below the root, each over its own subtree,
 * in three grouped statements whatever the number of organisations: each fact is attributed
 * to the ancestor at that depth of its organisation's path.
 */
export class SqlBreakdownReadModel {
  constructor(private readonly pool: Pool) {}

  async below(rootId: string, depth: number, period: Period): Promise<BreakdownRow[]> {
    const root = await this.pool.query<{ n: number }>('select cardinality(path) as n from rpt_org where id = $1', [rootId]);
    if (!root.rows[0]) return [];
    const at = root.rows[0].n + depth;
    const orgs = await this.pool.query<{ id: string; parent_id: string | null; name: string; level: string; code: string }>(
      `select id, parent_id, name, level, code from rpt_org
        where path @> array[$1::uuid] and cardinality(path) = $2 and status = 'active' order by code`,
      [rootId, at],
    );
    if (orgs.rows.length === 0) return [];
    const t = await subtreeOf(this.pool, rootId);
    const also = (column: string) => (t.probed ? ` and ${t.orgIn(column)}` : '');
    const facts = await this.pool.query<Agg>(
      `select o.path[$2] as anc, f.figure, sum(f.amount)::bigint as amount, sum(f.weight)::bigint as weight, count(*)::bigint as n
         from rpt_fact f join rpt_org o on o.id = f.org_id
        where ${t.orgRow('o')}${also('f.org_id')} and cardinality(o.path) >= $2 and f.day >= $3::date and f.day < $4::date
        group by 1, 2`,
      [t.param, at, period.from, period.to],
    );
    const roster = await this.pool.query<Agg>(
      `select o.path[$2] as anc, 'organizations' as figure, count(*)::bigint as amount, 0 as weight, count(*)::bigint as n
         from rpt_org o where ${t.orgRow('o')} and cardinality(o.path) >= $2 and o.status = 'active' group by 1
       union all
       select o.path[$2], 'contact_points', coalesce(sum(o.contact_points), 0)::bigint, 0, count(*) filter (where o.contact_points > 0)
         from rpt_org o where ${t.orgRow('o')} and cardinality(o.path) >= $2 and o.status = 'active' group by 1
       union all
       select o.path[$2], 'members', count(*)::bigint, 0, count(*)::bigint
         from rpt_member m join rpt_org o on o.id = m.org_id
        where ${t.orgRow('o')}${also('m.org_id')} and cardinality(o.path) >= $2 and m.membership = 'active' group by 1`,
      [t.param, at],
    );
    const byOrg = new Map<string, Map<string, Agg>>();
    for (const r of [...facts.rows, ...roster.rows]) {
      const m = byOrg.get(r.anc) ?? new Map<string, Agg>();
      m.set(r.figure, r);
      byOrg.set(r.anc, m);
    }
    return orgs.rows.map((o) => {
      const rows = byOrg.get(o.id);
      const figures = new Map<string, FigureValue>();
      for (const d of FIGURES) {
        const a = rows?.get(d.key);
        const n = Number(a?.n ?? 0);
        const v = n === 0 ? combine(d, []) : combine(d, [{ amount: Number(a?.amount), weight: Number(a?.weight) }]);
        figures.set(d.key, { ...v, value: n === 0 ? null : v.value, events: n });
      }
      return { orgId: o.id, parentId: o.parent_id, name: o.name, level: o.level, code: o.code, figures };
    });
  }
}
