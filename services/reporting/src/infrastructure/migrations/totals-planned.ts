import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statements each totals trigger runs (migration 1766000000003, ADR 0055), written once with
 * placeholders: `{fact}`, `{org}`, `{member}`, `{factTotal}`, `{rosterTotal}` for the tables and
 * `{1}`… for the values. For the live tables they become plain PL/pgSQL statements, planned once
 * per connection; for a rebuild's shadows (any other suffix) they stay `execute format(…)`.
 */
export const FACTS_ADDED = `
  insert into {factTotal} as t (anc_id, month, figure, slot, amount, weight, n)
  select a.anc, date_trunc('month', f.day::timestamp)::date, f.figure, {1}, {2} * sum(f.amount), {2} * sum(f.weight), {2} * count(*)
    from changed as f join {org} as o on o.id = f.org_id cross join unnest(o.path) as a(anc)
   group by 1, 2, 3 order by 1, 2, 3
  on conflict (anc_id, month, figure, slot) do update
    set amount = t.amount + excluded.amount, weight = t.weight + excluded.weight, n = t.n + excluded.n`;

const MEMBERS_AT = `select count(*) from {member} where org_id = {1} and membership = 'active'`;

const FACTS_MOVED = `
  insert into {factTotal} as t (anc_id, month, figure, slot, amount, weight, n)
  select a.anc, f.month, f.figure, {1}, sum(d.s * f.amount), sum(d.s * f.weight), sum(d.s * f.n)
    from (select date_trunc('month', day::timestamp)::date as month, figure, sum(amount) as amount, sum(weight) as weight, count(*) as n
            from {fact} where org_id = {2} group by 1, 2) as f
    cross join (values (-1, {3}::uuid[]), (1, {4}::uuid[])) as d(s, path)
    cross join unnest(d.path) as a(anc)
   group by 1, 2, 3 order by 1, 2, 3
  on conflict (anc_id, month, figure, slot) do update
    set amount = t.amount + excluded.amount, weight = t.weight + excluded.weight, n = t.n + excluded.n`;

const ROSTER_CHANGED = `
  insert into {rosterTotal} as t (anc_id, slot, organizations, contact_points, contact_orgs, members)
  select a.anc, {1}, sum(d.orgs), sum(d.cp), sum(d.cpo), sum(d.m)
    from (values ({2}::uuid[], -{3}::bigint, -{4}::bigint, -{5}::bigint, -{10}::bigint),
                 ({6}::uuid[], {7}::bigint, {8}::bigint, {9}::bigint, {10}::bigint)) as d(path, orgs, cp, cpo, m)
    cross join unnest(d.path) as a(anc)
   group by 1 order by 1
  on conflict (anc_id, slot) do update
    set organizations = t.organizations + excluded.organizations, contact_points = t.contact_points + excluded.contact_points,
        contact_orgs = t.contact_orgs + excluded.contact_orgs, members = t.members + excluded.members`;

const MEMBER_MOVED = `
  insert into {rosterTotal} as t (anc_id, slot, organizations, contact_points, contact_orgs, members)
  select a.anc, {1}, 0, 0, 0, sum(d.s)
    from (values (-1, {2}::uuid), (1, {3}::uuid)) as d(s, org) join {org} as o on o.id = d.org
    cross join unnest(o.path) as a(anc)
   group by 1 order by 1
  on conflict (anc_id, slot) do update set members = t.members + excluded.members`;

const TABLES = ['factTotal', 'rosterTotal', 'member', 'fact', 'org'] as const;
const LIVE: Record<(typeof TABLES)[number], string> = {
  factTotal: 'rpt_fact_total',
  rosterTotal: 'rpt_roster_total',
  member: 'rpt_member',
  fact: 'rpt_fact',
  org: 'rpt_org',
};

/** For the live tables, `sql` as a PL/pgSQL statement (`into` a variable if given), `values` its variables. */
function planned(sql: string, values: readonly string[], into?: string): string {
  let out = sql;
  for (const t of TABLES) out = out.split(`{${t}}`).join(LIVE[t]);
  values.forEach((v, i) => (out = out.split(`{${i + 1}}`).join(v)));
  return into ? out.replace(/^\s*select (.*?) from/s, `select $1 into ${into} from`) : out;
}

/** For any table set, the same as `execute format(…) using …`, the tables named by suffix `sfx`. */
function dynamic(sql: string, values: readonly string[], into?: string): string {
  let out = sql;
  const used = TABLES.filter((t) => out.includes(`{${t}}`));
  used.forEach((t, i) => (out = out.split(`{${t}}`).join(`%${i + 1}$I`)));
  values.forEach((_, i) => (out = out.split(`{${i + 1}}`).join(`$${i + 1}`)));
  const names = used.map((t) => `'${LIVE[t]}' || sfx`).join(', ');
  return `execute format($q$${out}$q$, ${names})${into ? ` into ${into}` : ''} using ${values.join(', ')}`;
}

/** `sql` planned for the live tables (`sfx` empty), dynamic for any other suffix; shared with later migrations. */
export const both = (sql: string, values: readonly string[], into?: string) =>
  `if sfx = '' then ${planned(sql, values, into)}; else ${dynamic(sql, values, into)}; end if;`;

/**
 * The totals triggers' statements planned once per connection for the live tables: an
 * `execute format(…)` is parsed and planned on every call, about 0.5 ms of each fact statement's
 * 1.5–2.5 ms on this machine (100 single-fact inserts, `--quick`'s tree). Same behaviour; the
 * shadows keep the dynamic form. Only the functions change (the triggers call them by name).
 */
export class ReportingTotalsPlanned1766000000005 implements MigrationInterface {
  readonly name = 'ReportingTotalsPlanned1766000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
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
        ${both(FACTS_ADDED, ['my_slot', 'sgn'])}
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
        was_cpo int; cur_cpo int;
        moved bigint := 0;
        my_slot smallint;
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
        my_slot := rpt_total_slot();
        was_cpo := case when was_cp > 0 then was_on else 0 end;
        cur_cpo := case when cur_cp > 0 then cur_on else 0 end;
        if was is distinct from cur then
          ${both(MEMBERS_AT, ['org'], 'moved')}
          ${both(FACTS_MOVED, ['my_slot', 'org', 'was', 'cur'])}
        end if;
        ${both(ROSTER_CHANGED, ['my_slot', 'was', 'was_on', 'was_cp', 'was_cpo', 'cur', 'cur_on', 'cur_cp', 'cur_cpo', 'moved'])}
        return null;
      end $$`);

    await q.query(`
      create or replace function rpt_member_totals() returns trigger language plpgsql as $$
      declare
        sfx text := substr(TG_TABLE_NAME, length('rpt_member') + 1);
        was uuid;
        cur uuid;
        my_slot smallint;
      begin
        if TG_OP <> 'INSERT' and old.membership = 'active' then was := old.org_id; end if;
        if TG_OP <> 'DELETE' and new.membership = 'active' then cur := new.org_id; end if;
        if was is not distinct from cur then return null; end if;
        perform rpt_total_lock(sfx, array[was, cur], false);
        my_slot := rpt_total_slot();
        ${both(MEMBER_MOVED, ['my_slot', 'was', 'cur'])}
        return null;
      end $$`);
  }

  async down(): Promise<void> {
    // The functions of 1766000000003 behave the same; nothing to undo.
  }
}
