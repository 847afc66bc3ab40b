import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fund totals per organisation (ADR 0071): for every organisation, the projects whose village has
 * it on its roster path — how many, their budgets, what was allocated to and disbursed from them —
 * so `GET /totals/:orgId` reads one organisation's rows instead of every project of its subtree.
 *
 * Kept by triggers in the writer's transaction, so every writer keeps them: the commands, an
 * import, the roster projection (a village arriving, moving or deleted), the seed, a repair in SQL.
 * - `projects` (insert, delete, a budget change) and `fund_balances` (insert, update, delete) add
 *   their change under the path of the project's village as `roster_organizations` holds it; a
 *   project whose village is not in the roster yet counts when the village arrives. A project
 *   stays in its village (`org_id` is refused an update), so the village read for a balance is
 *   the one its totals were counted under.
 * - Against a village changing path while money moves in it: writers of projects and balances
 *   take a shared advisory lock per village and then read the path in a new statement; a roster
 *   change takes it exclusively and reads the village's projects after it (as ADR 0055). Neither
 *   side misses what the other has not committed.
 * - Slots: each transaction claims a slot no running transaction holds (`fund_totals_slot`), so
 *   disbursements in one county never queue on its row; a figure is the sum of the slots.
 */
export class AssistanceFundTotals1765100000071 implements MigrationInterface {
  readonly name = 'AssistanceFundTotals1765100000071';

  async up(q: QueryRunner): Promise<void> {
    // No writer between the backfill and the triggers: they wait for this transaction, then find the triggers.
    await q.query(`lock table projects, fund_balances, roster_organizations in share row exclusive mode`);
    await q.query(`
      create table fund_totals (
        org_id uuid not null,
        slot smallint not null,
        projects bigint not null,
        budget_fen bigint not null,
        allocated_fen bigint not null,
        disbursed_fen bigint not null,
        primary key (org_id, slot)
      )`);

    // One slot per transaction, held by an advisory lock until it ends; past 64 writers at once they share the last (a wait, never a wrong sum).
    await q.query(`
      create function fund_totals_slot() returns smallint language plpgsql volatile as $$
      declare
        claimed text := current_setting('assistance.fund_totals_slot', true);
        k int := hashtext(current_schema() || '.fund_totals_slot');
      begin
        if claimed is not null and claimed <> '' then return claimed::smallint; end if;
        for i in 0..63 loop
          if pg_try_advisory_xact_lock(k, i) then
            perform set_config('assistance.fund_totals_slot', i::text, true);
            return i;
          end if;
        end loop;
        perform set_config('assistance.fund_totals_slot', '63', true);
        return 63;
      end $$`);
    // Per village of this schema, in id order so two writers take them alike.
    await q.query(`
      create function fund_totals_lock(orgs uuid[], exclusive boolean) returns void language plpgsql volatile as $$
      declare
        k int := hashtext(current_schema() || '.fund_totals');
        o uuid;
      begin
        for o in select distinct x from unnest(orgs) as x where x is not null order by 1 loop
          if exclusive then perform pg_advisory_xact_lock(k, hashtext(o::text));
          else perform pg_advisory_xact_lock_shared(k, hashtext(o::text));
          end if;
        end loop;
      end $$`);

    // d: (org_id, projects, budget, allocated, disbursed) deltas; each added under the village's path, one row per ancestor.
    const addUnderPath = (d: string) => `
        insert into fund_totals as t (org_id, slot, projects, budget_fen, allocated_fen, disbursed_fen)
        select a.anc, fund_totals_slot(), sum(d.n), sum(d.budget), sum(d.allocated), sum(d.disbursed)
          from (${d}) as d(org_id, n, budget, allocated, disbursed)
          join roster_organizations o on o.id = d.org_id cross join unnest(o.path) as a(anc)
         group by a.anc having sum(d.n) <> 0 or sum(d.budget) <> 0 or sum(d.allocated) <> 0 or sum(d.disbursed) <> 0
         order by a.anc
        on conflict (org_id, slot) do update
          set projects = t.projects + excluded.projects, budget_fen = t.budget_fen + excluded.budget_fen,
              allocated_fen = t.allocated_fen + excluded.allocated_fen, disbursed_fen = t.disbursed_fen + excluded.disbursed_fen`;

    // Statement triggers (transition tables): one import or a bulk repair is one grouped upsert, not one per row.
    const projectRows = (rows: string, sign: string) =>
      `select org_id, ${sign}1::bigint, ${sign}budget_fen, 0::bigint, 0::bigint from ${rows}`;
    await q.query(`
      create function fund_totals_projects() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'INSERT' then
          perform fund_totals_lock((select array_agg(org_id) from new_projects), false);
          ${addUnderPath(projectRows('new_projects', ''))};
        else
          perform fund_totals_lock((select array_agg(org_id) from old_projects), false);
          ${addUnderPath(projectRows('old_projects', '-'))};
        end if;
        return null;
      end $$`);
    // A budget changed (a repair in SQL: no command changes it); a row trigger, as column lists take no transition tables.
    await q.query(`
      create function fund_totals_budget() returns trigger language plpgsql as $$
      begin
        perform fund_totals_lock(array[new.org_id], false);
        ${addUnderPath(`select new.org_id, 0::bigint, new.budget_fen - old.budget_fen, 0::bigint, 0::bigint`)};
        return null;
      end $$`);
    const balanceRows = (rows: string, sign: string) =>
      `select p.org_id, 0::bigint, 0::bigint, ${sign}b.allocated_fen, ${sign}b.disbursed_fen from ${rows} b join projects p on p.id = b.project_id`;
    const balanceOrgs = (rows: string) => `(select array_agg(p.org_id) from ${rows} b join projects p on p.id = b.project_id)`;
    await q.query(`
      create function fund_totals_balances() returns trigger language plpgsql as $$
      begin
        if TG_OP = 'INSERT' then
          perform fund_totals_lock(${balanceOrgs('new_balances')}, false);
          ${addUnderPath(balanceRows('new_balances', ''))};
        elsif TG_OP = 'DELETE' then
          perform fund_totals_lock(${balanceOrgs('old_balances')}, false);
          ${addUnderPath(balanceRows('old_balances', '-'))};
        else
          perform fund_totals_lock(${balanceOrgs('new_balances')} || ${balanceOrgs('old_balances')}, false);
          ${addUnderPath(`${balanceRows('new_balances', '')} union all ${balanceRows('old_balances', '-')}`)};
        end if;
        return null;
      end $$`);
    // A village that arrives, moves or goes carries its own projects and their money from the old path to the new.
    await q.query(`
      create function fund_totals_roster() returns trigger language plpgsql as $$
      declare
        org uuid := case when TG_OP = 'DELETE' then old.id else new.id end;
        was uuid[] := case when TG_OP = 'INSERT' then null else old.path end;
        cur uuid[] := case when TG_OP = 'DELETE' then null else new.path end;
      begin
        if was is not distinct from cur then return null; end if;
        perform fund_totals_lock(array[org], true);
        insert into fund_totals as t (org_id, slot, projects, budget_fen, allocated_fen, disbursed_fen)
        select a.anc, fund_totals_slot(), sum(d.s * v.n), sum(d.s * v.budget), sum(d.s * v.allocated), sum(d.s * v.disbursed)
          from (select count(*) as n, coalesce(sum(p.budget_fen), 0) as budget,
                       coalesce(sum(b.allocated), 0) as allocated, coalesce(sum(b.disbursed), 0) as disbursed
                  from projects p
                  left join lateral (select sum(allocated_fen) as allocated, sum(disbursed_fen) as disbursed
                                       from fund_balances where project_id = p.id) b on true
                 where p.org_id = org) as v
          cross join (values (-1, was), (1, cur)) as d(s, path)
          cross join unnest(d.path) as a(anc)
         where v.n > 0
         group by a.anc order by a.anc
        on conflict (org_id, slot) do update
          set projects = t.projects + excluded.projects, budget_fen = t.budget_fen + excluded.budget_fen,
              allocated_fen = t.allocated_fen + excluded.allocated_fen, disbursed_fen = t.disbursed_fen + excluded.disbursed_fen;
        return null;
      end $$`);
    await q.query(`
      create function projects_stay_in_their_village() returns trigger language plpgsql as $$
      begin
        raise exception 'a project stays in its village: projects.org_id is not changed' using errcode = 'P0001';
      end $$`);

    for (const [op, ref] of [
      ['insert', 'new table as new_projects'],
      ['delete', 'old table as old_projects'],
    ] as const)
      await q.query(`create trigger fund_totals_projects_${op} after ${op} on projects
        referencing ${ref} for each statement execute function fund_totals_projects()`);
    await q.query(`create trigger fund_totals_budget after update of budget_fen on projects
      for each row when (old.budget_fen is distinct from new.budget_fen) execute function fund_totals_budget()`);
    for (const [op, ref] of [
      ['insert', 'new table as new_balances'],
      ['delete', 'old table as old_balances'],
      ['update', 'old table as old_balances new table as new_balances'],
    ] as const)
      await q.query(`create trigger fund_totals_balances_${op} after ${op} on fund_balances
        referencing ${ref} for each statement execute function fund_totals_balances()`);
    await q.query(`create trigger fund_totals_roster after insert or update of path or delete on roster_organizations
      for each row execute function fund_totals_roster()`);
    await q.query(`create trigger projects_stay_in_their_village before update of org_id on projects
      for each row when (old.org_id is distinct from new.org_id) execute function projects_stay_in_their_village()`);

    // What is already there, in slot 0, counted exactly as the old scanning query counted it.
    await q.query(`
      insert into fund_totals (org_id, slot, projects, budget_fen, allocated_fen, disbursed_fen)
      select a.anc, 0, count(*), sum(p.budget_fen), coalesce(sum(b.allocated), 0), coalesce(sum(b.disbursed), 0)
        from projects p join roster_organizations o on o.id = p.org_id cross join unnest(o.path) as a(anc)
        left join lateral (select sum(allocated_fen) as allocated, sum(disbursed_fen) as disbursed
                             from fund_balances where project_id = p.id) b on true
       group by a.anc`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [t, table] of [
      ['fund_totals_projects_insert', 'projects'],
      ['fund_totals_projects_delete', 'projects'],
      ['fund_totals_budget', 'projects'],
      ['projects_stay_in_their_village', 'projects'],
      ['fund_totals_balances_insert', 'fund_balances'],
      ['fund_totals_balances_delete', 'fund_balances'],
      ['fund_totals_balances_update', 'fund_balances'],
      ['fund_totals_roster', 'roster_organizations'],
    ])
      await q.query(`drop trigger if exists ${t} on ${table}`);
    for (const f of [
      'fund_totals_projects()',
      'fund_totals_budget()',
      'fund_totals_balances()',
      'fund_totals_roster()',
      'projects_stay_in_their_village()',
      'fund_totals_lock(uuid[], boolean)',
      'fund_totals_slot()',
    ])
      await q.query(`drop function if exists ${f}`);
    await q.query(`drop table if exists fund_totals`);
  }
}
