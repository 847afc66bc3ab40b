import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The programme board: one row per programme, one per nomination (its status, the level it
 * waits on, the round of notice it is on), one per nomination and reviewing level with that
 * level's last outcome. The dashboards count these per programme and level.
 */
class Board1765050000000 implements MigrationInterface {
  readonly name = 'Board1765050000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists programme_view (
        programme_id uuid primary key,
        name text not null,
        org_id uuid not null,
        level text not null,
        categories jsonb not null,
        years jsonb not null,
        timeline jsonb not null,
        quotas jsonb not null default '{}'::jsonb,
        version integer not null,
        launched_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(`
      create table if not exists nomination_view (
        nomination_id uuid primary key,
        programme_id uuid not null,
        category text not null,
        nominee jsonb not null,
        nominator_org_id uuid not null,
        unit_org_id uuid not null,
        chain jsonb not null,
        deeds_summary text not null,
        status text not null,
        pending_level text,
        pending_org_id uuid,
        pending_due_on date,
        noticed_round integer,
        document_number text,
        version integer not null,
        submitted_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(`create index if not exists nomination_view_programme_idx on nomination_view (programme_id, status)`);
    await q.query(`create index if not exists nomination_view_unit_idx on nomination_view (programme_id, category, unit_org_id)`);
    await q.query(`create index if not exists nomination_view_pending_idx on nomination_view (pending_org_id, pending_due_on)`);
    await q.query(`
      create table if not exists nomination_level_view (
        nomination_id uuid not null,
        programme_id uuid not null,
        level text not null,
        step_index integer not null,
        org_id uuid not null,
        due_on date not null,
        outcome text not null check (outcome in ('waiting', 'pending', 'endorsed', 'returned', 'rejected')),
        late boolean not null default false,
        primary key (nomination_id, level)
      )`);
    await q.query(`create index if not exists nomination_level_view_programme_idx on nomination_level_view (programme_id, level, outcome)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists nomination_level_view`);
    await q.query(`drop table if exists nomination_view`);
    await q.query(`drop table if exists programme_view`);
  }
}

/** "Is this nominee already nominated in this programme and category?" is asked on every nomination: an index, not a scan. */
class BoardNomineeIndex1765050000001 implements MigrationInterface {
  readonly name = 'BoardNomineeIndex1765050000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index if not exists nomination_view_nominee_idx on nomination_view (programme_id, category, (nominee->>'id'))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists nomination_view_nominee_idx`);
  }
}

/** The board slice; timestamps from 1765050000000 up, oldest first. */
export const boardMigrations: (new () => MigrationInterface)[] = [Board1765050000000, BoardNomineeIndex1765050000001];
