import type { Pool } from 'pg';
import { FIGURES, FIGURE_BY_KEY, combine, type FigureDefinition, type FigureValue } from '../domain/figures';
import type { Period } from '../domain/period';
import { rosterFigures, type RosterTotals } from './sql-figures.read-model';
import { stoppable, type StopOptions } from './stoppable-query';

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

/** A figure with no fact in the period, per key, in FIGURES' order: frozen, shared by every row that has none. */
const NO_DATA: ReadonlyMap<string, FigureValue> = new Map(
  FIGURES.map((d) => [d.key, Object.freeze({ ...combine(d, []), value: null, events: 0 })]),
);

const NO_DATA_ENTRIES = [...NO_DATA];
const ROSTER = FIGURES.filter((d) => d.kind === 'roster');

function valueOf(d: FigureDefinition, [amount, weight, n]: readonly [number, number, number]): FigureValue {
  return { ...combine(d, [{ amount, weight }]), events: n };
}

/**
 * One organisation's figures, in FIGURES' order, from its roster totals and its facts' JSON: a
 * copy of the shared "no data" entries, then its own values. Most of a row's 56 figures have no
 * fact in the period, and setting all 56 one by one cost a county's breakdown 0.5 ms of the
 * service's CPU (0.2 this way). Setting a key keeps its place; a key FIGURES does not define, a
 * roster figure among the facts, or a sum of no events changes nothing.
 */
export function figuresOf(
  row: RosterTotals & { facts: Record<string, readonly [number, number, number]> | null },
): Map<string, FigureValue> {
  const figures = new Map(NO_DATA_ENTRIES);
  const own = rosterFigures(row);
  for (const d of ROSTER) figures.set(d.key, own.get(d.key) as FigureValue);
  for (const key in row.facts) {
    const d = FIGURE_BY_KEY.get(key);
    const fact = row.facts[key]!;
    if (d && d.kind !== 'roster' && fact[2] !== 0) figures.set(key, valueOf(d, fact));
  }
  return figures;
}

/** The root's depth plus `$4`, for organisations further below than its children. */
const DEPTH_ROOT = 'root as (select cardinality(path) + $4::int as at from rpt_org where id = $1),';

/** The organisations `where` picks, each with its roster totals and its facts' sums in `$2`–`$3`. */
const belowSql = (where: string, from: string, withRoot = '') => `with ${withRoot}
     orgs as (select o.id, o.parent_id, o.name, o.level, o.code from rpt_org o${from} where ${where} and o.status = 'active')
   select o.*, r.organizations, r.contact_points, r.contact_orgs, r.members, f.facts
     from orgs o
     left join lateral (
       select sum(organizations)::bigint as organizations, sum(contact_points)::bigint as contact_points,
              sum(contact_orgs)::bigint as contact_orgs, sum(members)::bigint as members
         from rpt_roster_total where anc_id = o.id) r on true
     left join lateral (
       select json_object_agg(figure, json_build_array(amount, weight, n)) as facts
         from (select figure, sum(amount)::bigint as amount, sum(weight)::bigint as weight, sum(n)::bigint as n
                 from rpt_fact_total where anc_id = o.id and month >= $2::date and month < $3::date
                group by figure having sum(n) > 0) s) f on true
    order by o.code`;

/**
 * Figures of every organisation `depth` levels below the root, each over its own subtree, from
 * those organisations' totals (ADR 0055), in one statement whatever the subtree's size. Each
 * organisation's facts come back as one JSON object rather than a row per figure: a county's 57
 * townships × 56 figures were 3,000 rows for the driver to parse on every request, the largest
 * part of the service's CPU for this query (ADR 0076).
 */
export class SqlBreakdownReadModel {
  constructor(private readonly pool: Pool) {}

  /**
   * A read on the pool, or with `stop` (a download's, whose caller may leave) as a stoppable
   * query: a caller gone cancels its statement and its connection is closed.
   */
  private read<T>(stop: StopOptions | undefined, work: (on: Pick<Pool, 'query'>) => Promise<T>): Promise<T> {
    return stop ? stoppable(this.pool, stop, work) : work(this.pool);
  }

  /** How many active organisations lie `depth` levels below the root: what `below` would return, without its figures. */
  async countBelow(rootId: string, depth: number, stop?: StopOptions): Promise<number> {
    const { rows } = await this.read(stop, (on) =>
      on.query<{ n: number }>({
        text: `with root as (select cardinality(path) + $2::int as at from rpt_org where id = $1)
             select count(*)::int as n from rpt_org o, root
              where ${depth === 1 ? 'o.parent_id = $1 and ' : ''}o.path @> array[$1::uuid] and cardinality(o.path) = root.at and o.status = 'active'`,
        values: [rootId, depth],
      }),
    );
    return rows[0]?.n ?? 0;
  }

  async below(rootId: string, depth: number, period: Period, stop?: StopOptions): Promise<BreakdownRow[]> {
    const { rows } = await this.read(stop, (on) =>
      on.query<Row>(
        depth === 1
          ? // Prepared: parsed once per connection, where parsing it cost as much as running it. The
            // service's read pool plans it with the root each time (ADR 0096): the province's
            // children have many more totals than a county's.
            { name: 'reporting.breakdown.children', text: belowSql('o.parent_id = $1', ''), values: [rootId, period.from, period.to] }
          : // Not a named statement: a generic plan cannot tell a county from a province, whose
            // path matches every organisation; planned with the root each time, it can.
            {
              text: belowSql('o.path @> array[$1::uuid] and cardinality(o.path) = root.at', ', root', DEPTH_ROOT),
              values: [rootId, period.from, period.to, depth],
            },
      ),
    );
    return rows.map((o) => ({ orgId: o.id, parentId: o.parent_id, name: o.name, level: o.level, code: o.code, figures: figuresOf(o) }));
  }
}
