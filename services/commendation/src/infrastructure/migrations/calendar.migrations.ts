import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator's working-day calendar (调休): public holidays that fall on weekdays and make-up
 * working days that fall on weekends. Every change bumps the year's version and is kept in an
 * append-only history, so a notice period computed from the calendar can record which version
 * it read (`calendar-<year>` at that version) and an auditor can see the calendar as it was.
 */
class WorkCalendar1765030000000 implements MigrationInterface {
  readonly name = 'WorkCalendar1765030000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists work_calendar_day (
        day date primary key,
        kind text not null check (kind in ('holiday', 'workday')),
        name text not null,
        set_by jsonb not null,
        set_at timestamptz not null
      )`);
    await q.query(`
      create table if not exists work_calendar_version (
        year integer primary key,
        version integer not null
      )`);
    await q.query(`
      create table if not exists work_calendar_change (
        id bigserial primary key,
        day date not null,
        kind text check (kind in ('holiday', 'workday')),
        name text,
        year_version integer not null,
        set_by jsonb not null,
        set_at timestamptz not null
      )`);
    // History is evidence: the service role may add to it, never rewrite it.
    await q.query(`
      create or replace function work_calendar_change_append_only() returns trigger language plpgsql as $$
      begin raise exception 'work_calendar_change is append-only'; end $$`);
    await q.query(`drop trigger if exists work_calendar_change_no_rewrite on work_calendar_change`);
    await q.query(`
      create trigger work_calendar_change_no_rewrite before update or delete on work_calendar_change
      for each row execute function work_calendar_change_append_only()`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists work_calendar_change`);
    await q.query(`drop table if exists work_calendar_version`);
    await q.query(`drop table if exists work_calendar_day`);
  }
}

/** The calendar slice; timestamps from 1765030000000 up, oldest first. */
export const calendarMigrations: (new () => MigrationInterface)[] = [WorkCalendar1765030000000];
