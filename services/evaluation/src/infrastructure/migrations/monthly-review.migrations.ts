import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 月度观摩点评's read side (ADR 0047): a round's findings stream says which round it came from
 * (`comment_view.round_id`, form `monthly_review`), and each concluded round's ranking is one row per
 * unit — what the five-goods assessment reads as evidence and reporting counts — keyed by round and
 * unit, so a redelivered conclusion changes nothing.
 */
export class MonthlyReviewViews1764780000002 implements MigrationInterface {
  readonly name = 'MonthlyReviewViews1764780000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table comment_view add column if not exists round_id uuid`);
    await q.query(`create index if not exists comment_view_round_idx on comment_view (round_id) where round_id is not null`);
    await q.query(`
      create table if not exists monthly_review_result_view (
        round_id uuid not null,
        zone_id uuid not null,
        month text not null,
        org_id uuid not null,
        score_permille integer not null,
        rank integer not null,
        units_ranked integer not null,
        round_version integer not null,
        rubric_version integer not null,
        primary key (round_id, org_id)
      )`);
    await q.query(`create index if not exists monthly_review_result_org_idx on monthly_review_result_view (org_id, month)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists monthly_review_result_view`);
    await q.query(`alter table comment_view drop column if exists round_id`);
  }
}

/**
 * 窗口单位 (ADR 0047): which units are window units, for the public list and reporting; the page itself
 * folds the unit's stream.
 */
export class WindowUnitView1764780000003 implements MigrationInterface {
  readonly name = 'WindowUnitView1764780000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists window_unit_view (
        org_id uuid primary key,
        service_name text not null,
        published_on date not null,
        services_counted integer not null default 0,
        version integer not null
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists window_unit_view`);
  }
}

/**
 * A window unit's service phone (ADR 0047): kept here, not in its events, because no published event
 * carries a phone number; the public page joins it to the folded stream.
 */
export class WindowUnitContact1764780000004 implements MigrationInterface {
  readonly name = 'WindowUnitContact1764780000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists window_unit_contact (
        org_id uuid primary key,
        service_phone text not null,
        updated_at timestamptz not null
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists window_unit_contact`);
  }
}

/** The publication each phone came with: a phone saved late by an earlier publication no longer replaces a later one's. */
export class WindowUnitContactVersion1765620000000 implements MigrationInterface {
  readonly name = 'WindowUnitContactVersion1765620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table window_unit_contact add column if not exists version integer not null default 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table window_unit_contact drop column if exists version`);
  }
}

/**
 * The record ids each window unit has counted (ADR 0122), as SHA-256 digests with the batch that
 * counted each: a record id counts once for the unit over every batch, and the stream's events carry
 * counts, not ids. Written in the transaction that appends the counting.
 */
export class WindowUnitRecord1765630000000 implements MigrationInterface {
  readonly name = 'WindowUnitRecord1765630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists window_unit_record (
        org_id uuid not null,
        record_digest bytea not null,
        batch_id text not null,
        primary key (org_id, record_digest)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists window_unit_record`);
  }
}
