import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commendation's own copy of what evaluation published (DESIGN.md: never evaluation's tables):
 * approved democratic-review grades, organisation assessments, closed mass-evaluation windows.
 * Each row names the evaluation stream and version it came from, which a check records as read.
 */
class EligibilityFacts1765020000000 implements MigrationInterface {
  readonly name = 'EligibilityFacts1765020000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists eligibility_member_grade (
        member_id uuid not null,
        year integer not null,
        grade text not null check (grade in ('excellent', 'qualified', 'basically_qualified', 'unqualified')),
        org_id uuid not null,
        stream_id text not null,
        stream_version integer not null,
        recorded_at timestamptz not null,
        primary key (member_id, year)
      )`);
    await q.query(`
      create table if not exists eligibility_org_assessment (
        org_id uuid not null,
        year integer not null,
        tier text not null check (tier in ('advanced', 'middle', 'lagging')),
        star_rating integer not null check (star_rating between 1 and 5),
        total integer not null,
        stream_id text not null,
        stream_version integer not null,
        recorded_at timestamptz not null,
        primary key (org_id, year)
      )`);
    await q.query(`
      create table if not exists eligibility_satisfaction (
        window_id uuid primary key,
        subject_kind text not null check (subject_kind in ('organization', 'member')),
        subject_id uuid not null,
        org_id uuid not null,
        year integer not null,
        closed boolean not null default false,
        satisfaction_permille integer,
        ballots_cast integer,
        stream_id text not null,
        stream_version integer not null,
        recorded_at timestamptz not null
      )`);
    await q.query(
      `create index if not exists eligibility_satisfaction_subject_idx on eligibility_satisfaction (subject_kind, subject_id, year)`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists eligibility_satisfaction`);
    await q.query(`drop table if exists eligibility_org_assessment`);
    await q.query(`drop table if exists eligibility_member_grade`);
  }
}

/** The eligibility slice's read side; timestamps from 1765020000000 up, oldest first. */
export const eligibilityMigrations: (new () => MigrationInterface)[] = [EligibilityFacts1765020000000];
