import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 领导点评 read models: one row per comment (it carries the stream version every event of the
 * comment moves by one) and one per finding with its rectification. Overdue is not stored as
 * a status: it is computed when read, against the injected clock's day in China, so the list
 * is right even before the daily check has marked anything.
 */
export class CommentViews1764720000000 implements MigrationInterface {
  readonly name = 'CommentViews1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists comment_view (
        comment_id uuid primary key,
        org_id uuid not null,
        cycle_id uuid,
        form text not null,
        made_on date not null,
        summary text not null,
        decided_by jsonb not null,
        version integer not null,
        made_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(`create index if not exists comment_view_org_idx on comment_view (org_id)`);
    await q.query(`
      create table if not exists rectification_view (
        finding_id uuid primary key,
        comment_id uuid not null references comment_view (comment_id),
        org_id uuid not null,
        problem text not null,
        rectification text not null,
        deadline date not null,
        completed_on date,
        on_time boolean,
        marked_overdue_on date
      )`);
    await q.query(`create index if not exists rectification_view_org_idx on rectification_view (org_id, deadline)`);
    await q.query(`create index if not exists rectification_view_comment_idx on rectification_view (comment_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists rectification_view`);
    await q.query(`drop table if exists comment_view`);
  }
}

/**
 * `npm run rebuild` (ADR 0024) drops each live table and renames its shadow into place; a
 * foreign key from rectification_view to comment_view would stop that drop, and the projection
 * already writes a finding only in the statement that wrote its comment.
 */
export class RectificationViewWithoutForeignKey1764720000001 implements MigrationInterface {
  readonly name = 'RectificationViewWithoutForeignKey1764720000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table rectification_view drop constraint if exists rectification_view_comment_id_fkey`);
  }

  async down(): Promise<void> {
    // The key is not restored: a rebuild swaps the tables one by one.
  }
}

/**
 * A findings stream opened by a mass evaluation (ADR 0031) rather than a leader's comment: the
 * window it came from, and the member evaluated when it was a member's window — so the review's
 * evidence pack finds the findings on a member, and lists say where a finding came from.
 */
export class CommentViewSource1764720000002 implements MigrationInterface {
  readonly name = 'CommentViewSource1764720000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table comment_view add column if not exists window_id uuid, add column if not exists member_id uuid`);
    await q.query(`create index if not exists comment_view_member_idx on comment_view (member_id) where member_id is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table comment_view drop column if exists member_id, drop column if exists window_id`);
  }
}

/** The comments slice's read side; timestamps from 1764720000000 up, oldest first. */
export const commentsMigrations: (new () => MigrationInterface)[] = [
  CommentViews1764720000000,
  RectificationViewWithoutForeignKey1764720000001,
  CommentViewSource1764720000002,
];
