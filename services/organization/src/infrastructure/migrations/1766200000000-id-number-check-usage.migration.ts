import type { MigrationInterface, QueryRunner } from 'typeorm';

export const SIGNATURE = `(
  p_sub text, p_window_minutes int, p_jobs_limit int, p_ids_limit int,
  p_job_id uuid, p_new_row boolean, p_source text, p_org uuid, p_dry boolean, p_ids int, p_held int)`;

/** The function as this migration leaves it (ADR 0083); a later migration's `down` restores it. */
export const RESERVE_BY_MINUTE = `
      create or replace function reserve_id_number_checks${SIGNATURE}
      returns table (jobs int, ids int, granted boolean)
      language plpgsql volatile as $fn$
      declare
        u_jobs int;
        u_ids int;
        ok boolean;
        v_now timestamptz := clock_timestamp();
        v_minute timestamptz := date_trunc('minute', clock_timestamp());
        old_sub text;
        old_at timestamptz;
        old_ids int;
        old_import int;
      begin
        perform pg_advisory_xact_lock(hashtext('vanguard.id-number-checks'), hashtext(p_sub));
        select coalesce(sum(u.jobs), 0)::int, coalesce(sum(u.ids), 0)::int
          into u_jobs, u_ids
          from id_number_check_usage u
         where u.actor_sub = p_sub and u.minute > v_now - make_interval(mins => p_window_minutes) - interval '1 minute';
        if p_new_row then
          -- A new import needs room for itself and at least one ID number; an enrolment for its one.
          ok := (p_source <> 'import' or u_jobs + 1 <= p_jobs_limit) and u_ids + greatest(p_ids, 1) <= p_ids_limit;
          if ok then
            insert into id_number_checks (job_id, actor_sub, actor_org_id, dry_run, id_numbers, held, source, finished_at, checked_at)
            values (p_job_id, p_sub, p_org, p_dry, p_ids, p_held, p_source,
                    case when p_source = 'enrolment' then now() end, v_now);
            insert into id_number_check_usage as u (actor_sub, minute, jobs, ids)
            values (p_sub, v_minute, case when p_source = 'import' then 1 else 0 end, p_ids)
            on conflict (actor_sub, minute) do update set jobs = u.jobs + excluded.jobs, ids = u.ids + excluded.ids;
          end if;
        else
          ok := u_ids + p_ids <= p_ids_limit;
          if ok then
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
        -- The caller's minutes long past any window (a week beyond this one, should it be widened).
        delete from id_number_check_usage u
         where u.actor_sub = p_sub and u.minute < v_now - make_interval(mins => p_window_minutes) - interval '7 days';
        return query select u_jobs, u_ids, ok;
      end
      $fn$`;

/**
 * The window's usage is counted from per-minute sums (ADR 0083), no longer from every check in
 * it: `reserve_id_number_checks` counted all of the caller's checks of the last hour on each
 * reservation, under the caller's lock, so one user enrolling or importing steadily (a county
 * system, the bench) made every reservation slower than the last — 31,734 rows to count after
 * half an hour of the bench. Now it reads at most window + 1 rows of `id_number_check_usage`.
 *
 * A minute counts while any of it is inside the window, so the count is never less than the
 * checks' (it can be more, by the checks of the minute at the window's edge). A job's update
 * moves its whole count to the current minute, as `checked_at` moves (ADR 0011: a long job is
 * counted from its latest reservation). The records in `id_number_checks` are kept as before.
 */
export class IdNumberCheckUsage1766200000000 implements MigrationInterface {
  name = 'IdNumberCheckUsage1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table id_number_check_usage (
        actor_sub text not null,
        minute timestamptz not null,
        jobs int not null default 0,
        ids int not null default 0,
        primary key (actor_sub, minute)
      )`);
    await q.query(`
      insert into id_number_check_usage (actor_sub, minute, jobs, ids)
      select actor_sub, date_trunc('minute', checked_at), (count(*) filter (where source = 'import'))::int, coalesce(sum(id_numbers), 0)::int
        from id_number_checks group by 1, 2`);
    await q.query(RESERVE_BY_MINUTE);
  }

  async down(q: QueryRunner): Promise<void> {
    // The previous function, which counts the checks themselves.
    await q.query(`
      create or replace function reserve_id_number_checks${SIGNATURE}
      returns table (jobs int, ids int, granted boolean)
      language plpgsql volatile as $fn$
      declare
        u_jobs int;
        u_ids int;
        ok boolean;
      begin
        perform pg_advisory_xact_lock(hashtext('vanguard.id-number-checks'), hashtext(p_sub));
        select (count(*) filter (where c.source = 'import'))::int, coalesce(sum(c.id_numbers), 0)::int
          into u_jobs, u_ids
          from id_number_checks c
         where c.actor_sub = p_sub and c.checked_at > clock_timestamp() - make_interval(mins => p_window_minutes);
        if p_new_row then
          ok := (p_source <> 'import' or u_jobs + 1 <= p_jobs_limit) and u_ids + greatest(p_ids, 1) <= p_ids_limit;
          if ok then
            insert into id_number_checks (job_id, actor_sub, actor_org_id, dry_run, id_numbers, held, source, finished_at, checked_at)
            values (p_job_id, p_sub, p_org, p_dry, p_ids, p_held, p_source,
                    case when p_source = 'enrolment' then now() end, clock_timestamp());
          end if;
        else
          ok := u_ids + p_ids <= p_ids_limit;
          if ok then
            update id_number_checks set id_numbers = id_numbers + p_ids, checked_at = clock_timestamp() where job_id = p_job_id;
          end if;
        end if;
        return query select u_jobs, u_ids, ok;
      end
      $fn$`);
    await q.query(`drop table if exists id_number_check_usage`);
  }
}
