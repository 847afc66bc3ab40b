import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 对标定位 and 一季一先锋 read models. A benchmark row moves only on the next version of its
 * stream; a pioneer row is one candidate of one organisation's cycle, and the stream version
 * it reflects is kept per (organisation, cycle) in `pioneer_stream_version`, so a redelivered
 * event matches nothing and changes nothing.
 */
export class BenchmarkPioneerViews1764760000000 implements MigrationInterface {
  readonly name = 'BenchmarkPioneerViews1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists benchmark_view (
        benchmark_id uuid primary key,
        org_id uuid not null,
        subject_kind text not null,
        subject_id uuid not null,
        target_kind text not null,
        target_id uuid not null,
        target_name text not null,
        gaps jsonb not null,
        measures jsonb not null,
        due_on date not null,
        status text not null,
        percent integer not null default 0,
        last_note text,
        reached_by jsonb,
        version integer not null,
        chosen_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(`create index if not exists benchmark_view_org_idx on benchmark_view (org_id)`);
    await q.query(`
      create table if not exists pioneer_stream_version (
        org_id uuid not null,
        cycle_id uuid not null,
        version integer not null,
        primary key (org_id, cycle_id)
      )`);
    await q.query(`
      create table if not exists pioneer_view (
        org_id uuid not null,
        cycle_id uuid not null,
        candidate_kind text not null,
        candidate_id uuid not null,
        deeds text not null,
        status text not null,
        votes_for integer,
        votes_cast integer,
        decision jsonb,
        nominated_at timestamptz not null,
        selected_at timestamptz,
        primary key (org_id, cycle_id, candidate_kind, candidate_id)
      )`);
    await q.query(`create index if not exists pioneer_view_cycle_idx on pioneer_view (cycle_id, org_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists pioneer_view`);
    await q.query(`drop table if exists pioneer_stream_version`);
    await q.query(`drop table if exists benchmark_view`);
  }
}

/** The benchmarks-pioneers slice's read side; timestamps from 1764760000000 up, oldest first. */
export const benchmarksPioneersMigrations: (new () => MigrationInterface)[] = [BenchmarkPioneerViews1764760000000];
