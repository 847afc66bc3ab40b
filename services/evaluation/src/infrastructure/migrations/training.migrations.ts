import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 教育培训's read side, from `training-class-` streams: one row per class (its stream version moves
 * one event at a time, so a redelivered event changes nothing) and one per trainee with attendance
 * and completion once recorded — for counts per subtree and period and the review's evidence pack.
 */
export class TrainingViews1764780000001 implements MigrationInterface {
  readonly name = 'TrainingViews1764780000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists training_class_view (
        class_id uuid primary key,
        org_id uuid not null,
        topic text not null,
        base text not null,
        target_group text not null,
        starts_on date not null,
        ends_on date not null,
        sessions integer not null,
        version integer not null
      )`);
    await q.query(`create index if not exists training_class_view_org_idx on training_class_view (org_id, ends_on)`);
    await q.query(`
      create table if not exists training_trainee_view (
        class_id uuid not null,
        member_id uuid not null,
        org_id uuid not null,
        sessions_attended integer,
        completed boolean,
        primary key (class_id, member_id)
      )`);
    await q.query(`create index if not exists training_trainee_view_member_idx on training_trainee_view (member_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists training_trainee_view`);
    await q.query(`drop table if exists training_class_view`);
  }
}
