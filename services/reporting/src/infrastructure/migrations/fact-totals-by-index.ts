import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FACTS_ADDED as FACTS_ADDED_BY_JOIN, both } from './totals-planned';

/**
 * A statement's facts under each ancestor of their organisation (as migration 1766000000005's),
 * with the organisation's path looked up by its key: the facts are first summed per
 * organisation, month and figure, and `offset 0` keeps each group's lookup a subquery of its own.
 * The join of 1766000000005 let the planner hash the whole of `rpt_org` for every statement,
 * spilling it to a temporary file once the tree outgrew `work_mem` (ADR 0132).
 */
const FACTS_ADDED = `
  insert into {factTotal} as t (anc_id, month, figure, slot, amount, weight, n)
  select a.anc, f.month, f.figure, {1}, {2} * sum(f.amount), {2} * sum(f.weight), {2} * sum(f.n)
    from (select org_id, date_trunc('month', day::timestamp)::date as month, figure,
                 sum(amount) as amount, sum(weight) as weight, count(*) as n
            from changed group by 1, 2, 3) as f
    cross join lateral (select o.path from {org} as o where o.id = f.org_id offset 0) as o
    cross join unnest(o.path) as a(anc)
   group by 1, 2, 3 order by 1, 2, 3
  on conflict (anc_id, month, figure, slot) do update
    set amount = t.amount + excluded.amount, weight = t.weight + excluded.weight, n = t.n + excluded.n`;

/**
 * The facts' trigger function of 1766000000005 with `statement` as its totalling statement. Its
 * text stays this migration's own, not 1766000000005's builder: both are checksummed as sent.
 */
const factTotals = (statement: string) => `
  create or replace function rpt_fact_totals() returns trigger language plpgsql as $$
  declare
    sfx text := substr(TG_TABLE_NAME, length('rpt_fact') + 1);
    sgn int := case when TG_OP = 'DELETE' then -1 else 1 end;
    my_slot smallint;
  begin
    -- A redelivery inserts nothing: nothing to lock or total.
    if not exists (select 1 from changed) then return null; end if;
    perform rpt_total_lock(sfx, (select array_agg(distinct org_id) from changed), false);
    my_slot := rpt_total_slot();
    ${both(statement, ['my_slot', 'sgn'])}
    return null;
  end $$`;

/** Only the function changes, with the same result: the triggers call it by name. */
export class ReportingFactTotalsByIndex1766700000132 implements MigrationInterface {
  readonly name = 'ReportingFactTotalsByIndex1766700000132';
  async up(q: QueryRunner): Promise<void> {
    await q.query(factTotals(FACTS_ADDED));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(factTotals(FACTS_ADDED_BY_JOIN));
  }
}
