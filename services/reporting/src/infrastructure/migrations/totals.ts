import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subtree totals kept by the projection's own transaction (ADR 0055): for each organisation, the
 * sum of every fact whose organisation has it in its path, per month and figure
 * (`rpt_fact_total`), and the roster as it stands (`rpt_roster_total`). A dashboard reads the
 * rows of one organisation (or one per organisation of a breakdown) instead of every fact of the
 * period. Triggers keep them, so whatever writes `rpt_org`, `rpt_member` or `rpt_fact` — the
 * handlers, a tombstone, the rebuild's shadows (`<table>__rebuild` writes `rpt_*_total__rebuild`:
 * the suffix of the table fired on) — keeps its totals in the same transaction.
 *
 * Why this is exact under the consumer's concurrent transactions:
 * - A fact (or member) is totalled under its organisation's path as `rpt_org` holds it; one whose
 *   organisation is unknown is totalled when the organisation arrives, and a move carries the
 *   organisation's facts and members from the old path to the new.
 * - Writers of facts and members take a shared advisory lock per organisation, then read the
 *   path in a new statement (a new snapshot); a change of path or status takes it exclusively
 *   and reads the facts after it. So neither side misses what the other has not yet committed.
 * - Totals are split in slots: each transaction claims a slot no other running transaction holds
 *   (`rpt_total_slot`), so the hot rows (a province's month) never wait on one another. A figure
 *   is the sum over slots; `n` (events) sums to 0 when nothing counts, read as no data.
 */
export class ReportingTotals1766000000003 implements MigrationInterface {
  readonly name = 'ReportingTotals1766000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists rpt_fact_total (
        anc_id uuid not null,
        month date not null,
        figure text not null,
        slot smallint not null,
        amount bigint not null,
        weight bigint not null,
        n bigint not null,
        primary key (anc_id, month, figure, slot)
      )`);
    await q.query(`
      create table if not exists rpt_roster_total (
        anc_id uuid not null,
        slot smallint not null,
        organizations bigint not null,
        contact_points bigint not null,
        contact_orgs bigint not null,
        members bigint not null,
        primary key (anc_id, slot)
      )`);

    // One slot per transaction, held by an advisory lock until it ends; past 64 writers at once they share the last.
    await q.query(`
      create or replace function rpt_total_slot() returns smallint language plpgsql volatile as $$
      declare
        claimed text := current_setting('reporting.total_slot', true);
      begin
        if claimed is not null and claimed <> '' then return claimed::smallint; end if;
        for i in 0..63 loop
          if pg_try_advisory_xact_lock(hashtext('reporting.total_slot'), i) then
            perform set_config('reporting.total_slot', i::text, true);
            return i;
          end if;
        end loop;
        perform set_config('reporting.total_slot', '63', true);
        return 63;
      end $$`);
    // Per organisation, per table set (live or shadow) and schema; in id order, so two writers take them alike.
    await q.query(`
      create or replace function rpt_total_lock(sfx text, orgs uuid[], exclusive boolean) returns void language plpgsql volatile as $$
      declare
        k int := hashtext(current_schema() || '.rpt_total' || sfx);
        o uuid;
      begin
        for o in select distinct x from unnest(orgs) as x where x is not null order by 1 loop
          if exclusive then perform pg_advisory_xact_lock(k, hashtext(o::text));
          else perform pg_advisory_xact_lock_shared(k, hashtext(o::text));
          end if;
        end loop;
      end $$`);

    await q.query(`
      create or replace function rpt_fact_totals() returns trigger language plpgsql as $$
      declare
        sfx text := substr(TG_TABLE_NAME, length('rpt_fact') + 1);
        sign int := case when TG_OP = 'DELETE' then -1 else 1 end;
      begin
        perform rpt_total_lock(sfx, (select array_agg(distinct org_id) from changed), false);
        execute format($q$
          insert into %1$I as t (anc_id, month, figure, slot, amount, weight, n)
          select a.anc, date_trunc('month', f.day::timestamp)::date, f.figure, $1, $2 * sum(f.amount), $2 * sum(f.weight), $2 * count(*)
            from changed as f join %2$I as o on o.id = f.org_id cross join unnest(o.path) as a(anc)
           group by 1, 2, 3 order by 1, 2, 3
          on conflict (anc_id, month, figure, slot) do update
            set amount = t.amount + excluded.amount, weight = t.weight + excluded.weight, n = t.n + excluded.n$q$,
          'rpt_fact_total' || sfx, 'rpt_org' || sfx) using rpt_total_slot(), sign;
        return null;
      end $$`);

    await q.query(`
      create or replace function rpt_org_totals() returns trigger language plpgsql as $$
      declare
        sfx text := substr(TG_TABLE_NAME, length('rpt_org') + 1);
        org uuid;
        was uuid[];
        cur uuid[];
        was_on int := 0; was_cp int := 0; cur_on int := 0; cur_cp int := 0;
        moved bigint := 0;
        slot smallint;
      begin
        if TG_OP <> 'INSERT' then
          org := old.id; was := old.path;
          if old.status = 'active' then was_on := 1; was_cp := old.contact_points; end if;
        end if;
        if TG_OP <> 'DELETE' then
          org := new.id; cur := new.path;
          if new.status = 'active' then cur_on := 1; cur_cp := new.contact_points; end if;
        end if;
        if was is not distinct from cur and was_on = cur_on and was_cp = cur_cp then return null; end if;
        perform rpt_total_lock(sfx, array[org], true);
        slot := rpt_total_slot();
        if was is distinct from cur then
          execute format('select count(*) from %I where org_id = $1 and membership = ''active''', 'rpt_member' || sfx) into moved using org;
          execute format($q$
            insert into %1$I as t (anc_id, month, figure, slot, amount, weight, n)
            select a.anc, f.month, f.figure, $1, sum(d.s * f.amount), sum(d.s * f.weight), sum(d.s * f.n)
              from (select date_trunc('month', day::timestamp)::date as month, figure, sum(amount) as amount, sum(weight) as weight, count(*) as n
                      from %2$I where org_id = $2 group by 1, 2) as f
              cross join (values (-1, $3::uuid[]), (1, $4::uuid[])) as d(s, path)
              cross join unnest(d.path) as a(anc)
             group by 1, 2, 3 order by 1, 2, 3
            on conflict (anc_id, month, figure, slot) do update
              set amount = t.amount + excluded.amount, weight = t.weight + excluded.weight, n = t.n + excluded.n$q$,
            'rpt_fact_total' || sfx, 'rpt_fact' || sfx) using slot, org, was, cur;
        end if;
        execute format($q$
          insert into %1$I as t (anc_id, slot, organizations, contact_points, contact_orgs, members)
          select a.anc, $1, sum(d.orgs), sum(d.cp), sum(d.cpo), sum(d.m)
            from (values ($2::uuid[], -$3::bigint, -$4::bigint, -$5::bigint, -$10::bigint), ($6::uuid[], $7, $8, $9, $10)) as d(path, orgs, cp, cpo, m)
            cross join unnest(d.path) as a(anc)
           group by 1 order by 1
          on conflict (anc_id, slot) do update
            set organizations = t.organizations + excluded.organizations, contact_points = t.contact_points + excluded.contact_points,
                contact_orgs = t.contact_orgs + excluded.contact_orgs, members = t.members + excluded.members$q$,
          'rpt_roster_total' || sfx)
          using slot, was, was_on, was_cp, case when was_cp > 0 then was_on else 0 end,
                cur, cur_on, cur_cp, case when cur_cp > 0 then cur_on else 0 end, moved;
        return null;
      end $$`);

    await q.query(`
      create or replace function rpt_member_totals() returns trigger language plpgsql as $$
      declare
        sfx text := substr(TG_TABLE_NAME, length('rpt_member') + 1);
        was uuid;
        cur uuid;
      begin
        if TG_OP <> 'INSERT' and old.membership = 'active' then was := old.org_id; end if;
        if TG_OP <> 'DELETE' and new.membership = 'active' then cur := new.org_id; end if;
        if was is not distinct from cur then return null; end if;
        perform rpt_total_lock(sfx, array[was, cur], false);
        execute format($q$
          insert into %1$I as t (anc_id, slot, organizations, contact_points, contact_orgs, members)
          select a.anc, $1, 0, 0, 0, sum(d.s)
            from (values (-1, $2::uuid), (1, $3::uuid)) as d(s, org) join %2$I as o on o.id = d.org
            cross join unnest(o.path) as a(anc)
           group by 1 order by 1
          on conflict (anc_id, slot) do update set members = t.members + excluded.members$q$,
          'rpt_roster_total' || sfx, 'rpt_org' || sfx) using rpt_total_slot(), was, cur;
        return null;
      end $$`);

    // What is already projected, in slot 0; then the triggers keep it (run before the service starts, as `npm run migrate` is).
    await q.query(`
      insert into rpt_fact_total (anc_id, month, figure, slot, amount, weight, n)
      select a.anc, date_trunc('month', f.day::timestamp)::date, f.figure, 0, sum(f.amount), sum(f.weight), count(*)
        from rpt_fact f join rpt_org o on o.id = f.org_id cross join unnest(o.path) as a(anc)
       group by 1, 2, 3
      on conflict do nothing`);
    await q.query(`
      insert into rpt_roster_total (anc_id, slot, organizations, contact_points, contact_orgs, members)
      select anc, 0, sum(orgs), sum(cp), sum(cpo), sum(m) from (
        select a.anc, 1 as orgs, o.contact_points as cp, (o.contact_points > 0)::int as cpo, 0 as m
          from rpt_org o cross join unnest(o.path) as a(anc) where o.status = 'active'
        union all
        select a.anc, 0, 0, 0, 1 from rpt_member m join rpt_org o on o.id = m.org_id cross join unnest(o.path) as a(anc)
         where m.membership = 'active') as x
       group by anc
      on conflict do nothing`);

    await q.query(`drop trigger if exists rpt_fact_totals_insert on rpt_fact`);
    await q.query(`drop trigger if exists rpt_fact_totals_delete on rpt_fact`);
    await q.query(`drop trigger if exists rpt_org_totals on rpt_org`);
    await q.query(`drop trigger if exists rpt_member_totals on rpt_member`);
    await q.query(`create trigger rpt_fact_totals_insert after insert on rpt_fact
      referencing new table as changed for each statement execute function rpt_fact_totals()`);
    await q.query(`create trigger rpt_fact_totals_delete after delete on rpt_fact
      referencing old table as changed for each statement execute function rpt_fact_totals()`);
    await q.query(
      `create trigger rpt_org_totals after insert or update or delete on rpt_org for each row execute function rpt_org_totals()`,
    );
    await q.query(
      `create trigger rpt_member_totals after insert or update or delete on rpt_member for each row execute function rpt_member_totals()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger if exists rpt_fact_totals_insert on rpt_fact`);
    await q.query(`drop trigger if exists rpt_fact_totals_delete on rpt_fact`);
    await q.query(`drop trigger if exists rpt_org_totals on rpt_org`);
    await q.query(`drop trigger if exists rpt_member_totals on rpt_member`);
    await q.query(
      `drop function if exists rpt_fact_totals(), rpt_org_totals(), rpt_member_totals(), rpt_total_lock(text, uuid[], boolean), rpt_total_slot()`,
    );
    await q.query(`drop table if exists rpt_fact_total, rpt_roster_total`);
  }
}

/**
 * A breakdown lists the organisations one level below the root by `parent_id` (as `children`
 * does): through the path's GIN index a province's children cost a pass over its whole subtree
 * (20 ms for 17,369 organisations), through this index 11 probes.
 */
export class ReportingOrgParentIndex1766000000004 implements MigrationInterface {
  readonly name = 'ReportingOrgParentIndex1766000000004';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index if not exists rpt_org_parent_idx on rpt_org (parent_id)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists rpt_org_parent_idx`);
  }
}
