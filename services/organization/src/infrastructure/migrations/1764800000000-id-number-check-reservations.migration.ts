import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ID-number budget reserves before it checks (ADR 0011): one caller's reservations run
 * one at a time (an advisory lock per caller, on every replica), each reads the window's
 * usage after the previous one committed, and grants only what fits. A plpgsql function so
 * that an enrolment's check stays one round trip: inside a function each statement sees
 * what committed before it, which one statement's snapshot would not.
 *
 * `checked_at` is when a job last reserved: the window counts a job's whole count from its
 * latest reservation, so a job running longer than the window cannot check past the budget
 * (it over-counts, never under-counts).
 */
export class IdNumberCheckReservations1764800000000 implements MigrationInterface {
  name = 'IdNumberCheckReservations1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table id_number_checks add column if not exists checked_at timestamptz not null default now()`);
    await q.query(`update id_number_checks set checked_at = coalesce(finished_at, started_at)`);
    await q.query(`create index if not exists id_number_checks_actor_checked_idx on id_number_checks (actor_sub, checked_at)`);
    await q.query(`
      create or replace function reserve_id_number_checks(
        p_sub text, p_window_minutes int, p_jobs_limit int, p_ids_limit int,
        p_job_id uuid, p_new_row boolean, p_source text, p_org uuid, p_dry boolean, p_ids int, p_held int)
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
          -- A new import needs room for itself and at least one ID number; an enrolment for its one.
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function if exists reserve_id_number_checks(text, int, int, int, uuid, boolean, text, uuid, boolean, int, int)`);
    await q.query(`drop index if exists id_number_checks_actor_checked_idx`);
    await q.query(`alter table id_number_checks drop column if exists checked_at`);
  }
}
