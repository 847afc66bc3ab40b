import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A findings stream opened by an inspection at one unit (ADR 0038) rather than a leader's comment:
 * the inspection it came from, so lists say where a finding came from and an inspection's
 * rectifications can be found.
 */
export class CommentViewInspection1764780000000 implements MigrationInterface {
  readonly name = 'CommentViewInspection1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table comment_view add column if not exists inspection_id uuid`);
    await q.query(`create index if not exists comment_view_inspection_idx on comment_view (inspection_id) where inspection_id is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table comment_view drop column if exists inspection_id`);
  }
}

/**
 * 督导检查 lists (issue 13): one row per inspection from its launch, found by its group's scope in the
 * tree copy. The projection hub builds it from the store when it first joins (ADR 0035).
 */
export class InspectionView1764780000005 implements MigrationInterface {
  readonly name = 'InspectionView1764780000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists inspection_view (
        inspection_id uuid primary key,
        kind text not null,
        topic text not null,
        launched_on date not null,
        group_name text not null,
        leader text not null,
        scope_org_id uuid not null,
        units integer not null,
        version integer not null
      )`);
    await q.query(`create index if not exists inspection_view_scope_idx on inspection_view (scope_org_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists inspection_view`);
  }
}

import { MonthlyReviewViews1764780000002, WindowUnitContact1764780000004, WindowUnitView1764780000003 } from './monthly-review.migrations';
import { TrainingViews1764780000001 } from './training.migrations';

/** The campaign field-work slices' read side (inspections, training, monthly reviews, window units); timestamps from 1764780000000 up, oldest first. */
export const inspectionsMigrations: (new () => MigrationInterface)[] = [
  CommentViewInspection1764780000000,
  TrainingViews1764780000001,
  MonthlyReviewViews1764780000002,
  WindowUnitView1764780000003,
  WindowUnitContact1764780000004,
  InspectionView1764780000005,
];
