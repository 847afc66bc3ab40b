import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The assessment read model (one row per organisation and period, with the tier before it)
 * and the tier changes (晋档升级) for the up/down report; keyed so a redelivery adds nothing.
 */
class AssessmentView1764750000000 implements MigrationInterface {
  readonly name = 'AssessmentView1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists assessment_view (
        org_id uuid not null,
        period text not null,
        scores jsonb not null,
        total integer not null,
        tier text not null,
        star_rating integer not null,
        rule_id text not null,
        rule_version integer not null,
        previous_tier text,
        version integer not null,
        assessed_at timestamptz not null,
        primary key (org_id, period)
      )`);
    await q.query(`create index if not exists assessment_view_period_idx on assessment_view (period)`);
    await q.query(`
      create table if not exists tier_change_view (
        org_id uuid not null,
        period text not null,
        from_tier text not null,
        to_tier text not null,
        direction text not null,
        version integer not null,
        primary key (org_id, period)
      )`);
    await q.query(`create index if not exists tier_change_view_period_idx on tier_change_view (period)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists tier_change_view`);
    await q.query(`drop table if exists assessment_view`);
  }
}

/** The assessments slice's read side; timestamps from 1764750000000 up, oldest first. */
export const assessmentsMigrations: (new () => MigrationInterface)[] = [AssessmentView1764750000000];
