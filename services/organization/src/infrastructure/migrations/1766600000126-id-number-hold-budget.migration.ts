import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RESERVE_BY_MINUTE } from './1766200000000-id-number-check-usage.migration';

const OLD_ARGS = '(text, int, int, int, uuid, boolean, text, uuid, boolean, int, int)';

/**
 * Holds have a budget of their own (ADR 0126). A held enrolment answers 201 like a fresh one
 * but its id reads back 404, so each hold tells its caller "registered elsewhere"; 50,000 ID
 * numbers an hour bounded the questions, not the answers. Now a caller's window also counts
 * the rows held for review, and once it holds `p_holds_limit` **every** further reservation of
 * that caller is refused (429, flagged above), whatever its number: the refusal depends on
 * what the caller already knows, never on the number asked. An enrolment counts its hold in
 * the statement that reserves it; a real import reserves the holds a batch found before it
 * writes them (`p_new_row = false`, `p_ids = 0`): past the limit the import is refused, and
 * the holds it found are counted all the same, so the caller stays refused for the window.
 */
export class IdNumberHoldBudget1766600000126 implements MigrationInterface {
  name = 'IdNumberHoldBudget1766600000126';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table id_number_check_usage add column if not exists held int not null default 0`);
    // A flag says which budget was spent, so the reviewers above can tell a probe from a busy day.
    await q.query(`alter table id_number_probe_flags add column if not exists held int not null default 0`);
    await q.query(`
      update id_number_check_usage u set held = s.held
        from (select actor_sub, date_trunc('minute', checked_at) as minute, sum(held)::int as held
                from id_number_checks where held > 0 group by 1, 2) s
       where u.actor_sub = s.actor_sub and u.minute = s.minute`);
    await q.query(`drop function if exists reserve_id_number_checks${OLD_ARGS}`);
    await q.query(`
      create function reserve_id_number_checks(
        p_sub text, p_window_minutes int, p_jobs_limit int, p_ids_limit int,
        p_job_id uuid, p_new_row boolean, p_source text, p_org uuid, p_dry boolean, p_ids int, p_held int,
        p_holds_limit int)
      returns table (jobs int, ids int, held int, granted boolean)
      language plpgsql volatile as $fn$
      declare
        u_jobs int;
        u_ids int;
        u_held int;
        ok boolean;
        v_now timestamptz := clock_timestamp();
        v_minute timestamptz := date_trunc('minute', clock_timestamp());
        old_sub text;
        old_at timestamptz;
        old_ids int;
        old_import int;
      begin
        perform pg_advisory_xact_lock(hashtext('vanguard.id-number-checks'), hashtext(p_sub));
        select coalesce(sum(u.jobs), 0)::int, coalesce(sum(u.ids), 0)::int, coalesce(sum(u.held), 0)::int
          into u_jobs, u_ids, u_held
          from id_number_check_usage u
         where u.actor_sub = p_sub and u.minute > v_now - make_interval(mins => p_window_minutes) - interval '1 minute';
        if p_new_row then
          -- Room for a new import and one ID number, or an enrolment's one; and no hold budget spent.
          -- An enrolment's own hold is not asked about: its answer may not depend on its number.
          ok := (p_source <> 'import' or u_jobs + 1 <= p_jobs_limit) and u_ids + greatest(p_ids, 1) <= p_ids_limit
                and u_held < p_holds_limit;
          if ok then
            insert into id_number_checks (job_id, actor_sub, actor_org_id, dry_run, id_numbers, held, source, finished_at, checked_at)
            values (p_job_id, p_sub, p_org, p_dry, p_ids, p_held, p_source,
                    case when p_source = 'enrolment' then now() end, v_now);
            insert into id_number_check_usage as u (actor_sub, minute, jobs, ids, held)
            values (p_sub, v_minute, case when p_source = 'import' then 1 else 0 end, p_ids, p_held)
            on conflict (actor_sub, minute) do update set jobs = u.jobs + excluded.jobs, ids = u.ids + excluded.ids, held = u.held + excluded.held;
          end if;
        else
          ok := u_ids + p_ids <= p_ids_limit and u_held + p_held <= p_holds_limit;
          if p_held > 0 then
            -- Found, whether granted or not: the caller knows them now.
            insert into id_number_check_usage as u (actor_sub, minute, held) values (p_sub, v_minute, p_held)
            on conflict (actor_sub, minute) do update set held = u.held + excluded.held;
          end if;
          if ok and p_ids > 0 then
            select c.actor_sub, c.checked_at, c.id_numbers, case when c.source = 'import' then 1 else 0 end
              into old_sub, old_at, old_ids, old_import
              from id_number_checks c where c.job_id = p_job_id;
            if found then
              update id_number_checks set id_numbers = id_numbers + p_ids, checked_at = v_now where job_id = p_job_id;
              update id_number_check_usage u set jobs = u.jobs - old_import, ids = u.ids - old_ids
               where u.actor_sub = old_sub and u.minute = date_trunc('minute', old_at);
              insert into id_number_check_usage as u (actor_sub, minute, jobs, ids)
              values (old_sub, v_minute, old_import, old_ids + p_ids)
              on conflict (actor_sub, minute) do update set jobs = u.jobs + excluded.jobs, ids = u.ids + excluded.ids;
            end if;
          end if;
        end if;
        delete from id_number_check_usage u
         where u.actor_sub = p_sub and u.minute < v_now - make_interval(mins => p_window_minutes) - interval '7 days';
        return query select u_jobs, u_ids, u_held, ok;
      end
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `drop function if exists reserve_id_number_checks(text, int, int, int, uuid, boolean, text, uuid, boolean, int, int, int)`,
    );
    await q.query(RESERVE_BY_MINUTE);
    await q.query(`alter table id_number_check_usage drop column if exists held`);
    await q.query(`alter table id_number_probe_flags drop column if exists held`);
  }
}
