import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CHANGES_FROM_ROWS, ROSTER_CHANGED, TABLES, orgTotalsPerStatement } from './totals-per-statement';

/**
 * 基层党组织 counts grassroots organisations only (ADR 0160): every branch and general branch, and
 * the committees of townships and villages; not the province's, a city's or a county's committee,
 * which are local committees. `kind` comes with the organisation's state; `grassroots` is derived
 * from it and the level in this one place. A row without a kind (projected before this migration,
 * or written by a consumer still running the code before it) is taken for a committee at those
 * levels and counted below them, until a rebuild reads its kind. The roster totals count
 * `organizations` by it, and contact points, as before, at every active organisation.
 */
const GRASSROOTS = `not (coalesce(kind, 'committee') = 'committee' and level in ('province', 'city', 'county'))`;

/** The rows' changes with `was_g` / `cur_g`: active and grassroots. */
const CHANGES_WITH_GRASSROOTS = {
  INSERT: `
    select array_agg(row(n.id, null, 0, 0, n.path, (n.status = 'active')::int,
                         case when n.status = 'active' then n.contact_points else 0 end,
                         0, (n.status = 'active' and n.grassroots)::int)::rpt_org_change order by n.id)
      into changes from new_rows n`,
  DELETE: `
    select array_agg(row(o.id, o.path, (o.status = 'active')::int,
                         case when o.status = 'active' then o.contact_points else 0 end, null, 0, 0,
                         (o.status = 'active' and o.grassroots)::int, 0)::rpt_org_change order by o.id)
      into changes from old_rows o`,
  UPDATE: `
    select array_agg(c order by (c).org) into changes from (
      select row(n.id, o.path, (o.status = 'active')::int, case when o.status = 'active' then o.contact_points else 0 end,
                 n.path, (n.status = 'active')::int, case when n.status = 'active' then n.contact_points else 0 end,
                 (o.status = 'active' and o.grassroots)::int, (n.status = 'active' and n.grassroots)::int)::rpt_org_change as c
        from old_rows o join new_rows n on n.id = o.id) as x
     where (c).was is distinct from (c).cur or (c).was_on <> (c).cur_on or (c).was_cp <> (c).cur_cp or (c).was_g <> (c).cur_g`,
};

/** ROSTER_CHANGED with the organisations counted by `was_g` / `cur_g`. */
const ROSTER_CHANGED_GRASSROOTS = replaced(
  replaced(ROSTER_CHANGED, `(c.was, -c.was_on::bigint, -c.was_cp::bigint`, `(c.was, -c.was_g::bigint, -c.was_cp::bigint`),
  `(c.cur, c.cur_on::bigint, c.cur_cp::bigint`,
  `(c.cur, c.cur_g::bigint, c.cur_cp::bigint`,
);

function replaced(sql: string, from: string, to: string): string {
  if (!sql.includes(from)) throw new Error(`ReportingGrassroots: the roster statement no longer holds ${from}`);
  return sql.replace(from, to);
}

/**
 * Each subtree's organisations counted again by `counted` (an expression over `o`), into slot 0 of
 * the totals: the live ones, and a rebuild's shadow's when one is under way.
 */
const recount = (counted: string) => `
  do $$
  declare
    sfx text;
  begin
    foreach sfx in array array['', '__rebuild'] loop
      if to_regclass(quote_ident(current_schema()) || '.rpt_org' || sfx) is not null
         and to_regclass(quote_ident(current_schema()) || '.rpt_roster_total' || sfx) is not null then
        execute format('update %I set organizations = 0 where organizations <> 0', 'rpt_roster_total' || sfx);
        execute format($r$insert into %I as t (anc_id, slot, organizations, contact_points, contact_orgs, members)
                          select a.anc, 0, count(*), 0, 0, 0
                            from %I o cross join unnest(o.path) as a(anc)
                           where o.status = 'active' and ${counted}
                           group by 1 order by 1
                          on conflict (anc_id, slot) do update set organizations = excluded.organizations$r$,
                       'rpt_roster_total' || sfx, 'rpt_org' || sfx);
      end if;
    end loop;
  end $$`;

export class ReportingGrassroots1766700000160 implements MigrationInterface {
  readonly name = 'ReportingGrassroots1766700000160';

  async up(q: QueryRunner): Promise<void> {
    // As 1766000000006: the writers in flight finish first, new ones wait for this commit.
    await q.query(`lock table ${TABLES.join(', ')} in share row exclusive mode`);
    // Until a rebuild reads each organisation's kind again, a province, city or county
    // organisation is taken for its committee and the rest for branches (ADR 0160).
    // Nullable: a consumer still running the code before this migration writes no kind, and its
    // rows must still go in. A rebuild under way fills its shadow through the same trigger
    // function: the shadow gets the columns too, and its totals are recounted below as the live ones.
    await q.query(`
      do $$
      declare
        t text;
      begin
        foreach t in array array['rpt_org', 'rpt_org__rebuild'] loop
          if to_regclass(quote_ident(current_schema()) || '.' || t) is not null then
            execute format('alter table %I add column if not exists kind text', t);
            execute format($g$alter table %I add column if not exists grassroots boolean generated always as (${GRASSROOTS}) stored$g$, t);
          end if;
        end loop;
      end $$`);
    await q.query(`alter type rpt_org_change add attribute was_g int, add attribute cur_g int`);
    await q.query(orgTotalsPerStatement(CHANGES_WITH_GRASSROOTS, ROSTER_CHANGED_GRASSROOTS));
    await q.query(recount('o.grassroots'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`lock table ${TABLES.join(', ')} in share row exclusive mode`);
    await q.query(orgTotalsPerStatement(CHANGES_FROM_ROWS, ROSTER_CHANGED));
    await q.query(`alter type rpt_org_change drop attribute cur_g, drop attribute was_g`);
    await q.query(`alter table rpt_org drop column if exists grassroots`);
    await q.query(`alter table rpt_org drop column if exists kind`);
    await q.query(recount('true'));
    // A rebuild's shadow keeps its columns: the function no longer reads them, and its swap replaces the live table whole.
  }
}
