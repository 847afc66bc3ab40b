import type { MigrationInterface, QueryRunner } from 'typeorm';
import { both } from './totals-planned';

/**
 * The organisation and member totals triggers per statement instead of per row (ADR 0060): the
 * handlers now write a chunk's states with one upsert, and a statement-level trigger reads the
 * rows it changed from its transition tables (`old_rows`, `new_rows`), takes their locks in one
 * ordered pass and adds the aggregated deltas per ancestor in one statement each. What each delta
 * is, and the locks and their order, are those of the row triggers (migrations 1766000000003
 * and 1766000000005, ADR 0055); only how many rows one firing handles changes. The facts'
 * trigger was per statement already and stays.
 *
 * `rpt_org_change`: one organisation's state before and after, as its totals count it (not in
 * the roster: on = 0; contact points only while active).
 */
export const CHANGES_FROM_ROWS = {
  INSERT: `
    select array_agg(row(n.id, null, 0, 0, n.path, (n.status = 'active')::int,
                         case when n.status = 'active' then n.contact_points else 0 end)::rpt_org_change order by n.id)
      into changes from new_rows n`,
  DELETE: `
    select array_agg(row(o.id, o.path, (o.status = 'active')::int,
                         case when o.status = 'active' then o.contact_points else 0 end, null, 0, 0)::rpt_org_change order by o.id)
      into changes from old_rows o`,
  UPDATE: `
    select array_agg(c order by (c).org) into changes from (
      select row(n.id, o.path, (o.status = 'active')::int, case when o.status = 'active' then o.contact_points else 0 end,
                 n.path, (n.status = 'active')::int, case when n.status = 'active' then n.contact_points else 0 end)::rpt_org_change as c
        from old_rows o join new_rows n on n.id = o.id) as x
     where (c).was is distinct from (c).cur or (c).was_on <> (c).cur_on or (c).was_cp <> (c).cur_cp`,
};

/** Each moved organisation's own facts, from its old path's ancestors to its new one's. */
export const FACTS_MOVED = `
  insert into {factTotal} as t (anc_id, month, figure, slot, amount, weight, n)
  select a.anc, f.month, f.figure, {1}, sum(d.s * f.amount), sum(d.s * f.weight), sum(d.s * f.n)
    from unnest({2}::rpt_org_change[]) as c
    join lateral (select date_trunc('month', x.day::timestamp)::date as month, x.figure, sum(x.amount) as amount,
                         sum(x.weight) as weight, count(*) as n
                    from {fact} as x where x.org_id = c.org group by 1, 2) as f on true
    cross join lateral (values (-1, c.was), (1, c.cur)) as d(s, path)
    cross join unnest(d.path) as a(anc)
   where c.was is distinct from c.cur
   group by 1, 2, 3 order by 1, 2, 3
  on conflict (anc_id, month, figure, slot) do update
    set amount = t.amount + excluded.amount, weight = t.weight + excluded.weight, n = t.n + excluded.n`;

/** The roster: each organisation out of its old ancestors and into its new ones, with its active members if it moved. */
export const ROSTER_CHANGED = `
  insert into {rosterTotal} as t (anc_id, slot, organizations, contact_points, contact_orgs, members)
  select a.anc, {1}, sum(d.orgs), sum(d.cp), sum(d.cpo), sum(d.m)
    from (select c.*, case when c.was is distinct from c.cur
                           then (select count(*) from {member} as m where m.org_id = c.org and m.membership = 'active') else 0 end as moved
            from unnest({2}::rpt_org_change[]) as c) as c
    cross join lateral (values
      (c.was, -c.was_on::bigint, -c.was_cp::bigint, -(case when c.was_cp > 0 then c.was_on else 0 end)::bigint, -c.moved),
      (c.cur, c.cur_on::bigint, c.cur_cp::bigint, (case when c.cur_cp > 0 then c.cur_on else 0 end)::bigint, c.moved)) as d(path, orgs, cp, cpo, m)
    cross join unnest(d.path) as a(anc)
   group by 1 order by 1
  on conflict (anc_id, slot) do update
    set organizations = t.organizations + excluded.organizations, contact_points = t.contact_points + excluded.contact_points,
        contact_orgs = t.contact_orgs + excluded.contact_orgs, members = t.members + excluded.members`;

/** Active members leaving organisations (`{2}`, one entry per member) and joining others (`{3}`), under each one's path. */
const MEMBERS_MOVED = `
  insert into {rosterTotal} as t (anc_id, slot, organizations, contact_points, contact_orgs, members)
  select a.anc, {1}, 0, 0, 0, sum(d.s)
    from (select -1 as s, x as org from unnest({2}::uuid[]) as x union all select 1, x from unnest({3}::uuid[]) as x) as d
    join {org} as o on o.id = d.org
    cross join unnest(o.path) as a(anc)
   group by 1 order by 1
  on conflict (anc_id, slot) do update set members = t.members + excluded.members`;

/** Where each member was and is active (null: not active there), from the transition tables. */
const MEMBER_ROWS = {
  INSERT: `select null::uuid as was, case when n.membership = 'active' then n.org_id end as cur from new_rows n`,
  DELETE: `select case when o.membership = 'active' then o.org_id end as was, null::uuid as cur from old_rows o`,
  UPDATE: `select case when o.membership = 'active' then o.org_id end as was, case when n.membership = 'active' then n.org_id end as cur
             from old_rows o join new_rows n on n.member_id = o.member_id`,
};

export const TABLES = ['rpt_fact', 'rpt_member', 'rpt_org'];

/** The organisation totals' function from what a statement's rows changed (`changes`) and how the roster totals take them. */
export const orgTotalsPerStatement = (changes: Readonly<Record<'INSERT' | 'DELETE' | 'UPDATE', string>>, rosterChanged: string) => `
      create or replace function rpt_org_totals_per_statement() returns trigger language plpgsql as $$
      declare
        sfx text := substr(TG_TABLE_NAME, length('rpt_org') + 1);
        changes rpt_org_change[];
        my_slot smallint;
      begin
        if TG_OP = 'INSERT' then ${changes.INSERT};
        elsif TG_OP = 'DELETE' then ${changes.DELETE};
        else ${changes.UPDATE};
        end if;
        if changes is null then return null; end if;
        -- Exclusive, in id order: fact and member writers lock theirs shared in the same order.
        perform rpt_total_lock(sfx, (select array_agg(c.org) from unnest(changes) as c), true);
        my_slot := rpt_total_slot();
        ${both(FACTS_MOVED, ['my_slot', 'changes'])}
        ${both(rosterChanged, ['my_slot', 'changes'])}
        return null;
      end $$`;

export class ReportingTotalsPerStatement1766000000006 implements MigrationInterface {
  readonly name = 'ReportingTotalsPerStatement1766000000006';

  async up(q: QueryRunner): Promise<void> {
    // Swapping the triggers under a running consumer: SHARE ROW EXCLUSIVE waits for the writers in
    // flight and holds off new ones until this migration commits, so no write is totalled by
    // neither trigger or by both (1766000000003 filled the totals without such a lock).
    await q.query(`lock table ${TABLES.join(', ')} in share row exclusive mode`);
    await q.query(`
      create type rpt_org_change as (org uuid, was uuid[], was_on int, was_cp int, cur uuid[], cur_on int, cur_cp int)`);

    await q.query(orgTotalsPerStatement(CHANGES_FROM_ROWS, ROSTER_CHANGED));

    await q.query(`
      create or replace function rpt_member_totals_per_statement() returns trigger language plpgsql as $$
      declare
        sfx text := substr(TG_TABLE_NAME, length('rpt_member') + 1);
        leaving uuid[];
        joining uuid[];
        my_slot smallint;
      begin
        if TG_OP = 'INSERT' then
          select array_agg(was) filter (where was is not null), array_agg(cur) filter (where cur is not null) into leaving, joining
            from (${MEMBER_ROWS.INSERT}) as x where was is distinct from cur;
        elsif TG_OP = 'DELETE' then
          select array_agg(was) filter (where was is not null), array_agg(cur) filter (where cur is not null) into leaving, joining
            from (${MEMBER_ROWS.DELETE}) as x where was is distinct from cur;
        else
          select array_agg(was) filter (where was is not null), array_agg(cur) filter (where cur is not null) into leaving, joining
            from (${MEMBER_ROWS.UPDATE}) as x where was is distinct from cur;
        end if;
        if leaving is null and joining is null then return null; end if;
        perform rpt_total_lock(sfx, coalesce(leaving, '{}') || coalesce(joining, '{}'), false);
        my_slot := rpt_total_slot();
        ${both(MEMBERS_MOVED, ['my_slot', 'leaving', 'joining'])}
        return null;
      end $$`);

    for (const [table, fn] of [
      ['rpt_org', 'rpt_org_totals_per_statement'],
      ['rpt_member', 'rpt_member_totals_per_statement'],
    ] as const) {
      await q.query(`drop trigger if exists ${table}_totals on ${table}`);
      await q.query(`create trigger ${table}_totals_insert after insert on ${table}
        referencing new table as new_rows for each statement execute function ${fn}()`);
      await q.query(`create trigger ${table}_totals_update after update on ${table}
        referencing old table as old_rows new table as new_rows for each statement execute function ${fn}()`);
      await q.query(`create trigger ${table}_totals_delete after delete on ${table}
        referencing old table as old_rows for each statement execute function ${fn}()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`lock table ${TABLES.join(', ')} in share row exclusive mode`);
    for (const table of ['rpt_org', 'rpt_member']) {
      for (const op of ['insert', 'update', 'delete']) await q.query(`drop trigger if exists ${table}_totals_${op} on ${table}`);
      await q.query(
        `create trigger ${table}_totals after insert or update or delete on ${table} for each row execute function ${table}_totals()`,
      );
    }
    await q.query(`drop function if exists rpt_org_totals_per_statement(), rpt_member_totals_per_statement()`);
    await q.query(`drop type if exists rpt_org_change`);
  }
}
