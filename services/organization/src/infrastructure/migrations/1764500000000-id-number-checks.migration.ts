import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record that keeps member imports from serving as an ID-number lookup (ADR 0011):
 * every check (who, when, dry or real, how many ID numbers), rows a real import held for
 * the organisation above the caller, and callers flagged for exhausting their budget.
 */
export class IdNumberChecks1764500000000 implements MigrationInterface {
  name = 'IdNumberChecks1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists id_number_checks (
        job_id        uuid primary key,
        actor_sub     text not null,
        actor_org_id  uuid,
        dry_run       boolean not null,
        id_numbers    integer not null default 0,
        held          integer not null default 0,
        started_at    timestamptz not null default now(),
        finished_at   timestamptz
      )`);
    await q.query(`create index if not exists id_number_checks_actor_idx on id_number_checks (actor_sub, started_at)`);
    await q.query(`
      create table if not exists id_number_review_holds (
        id                  bigserial primary key,
        job_id              uuid not null,
        row_number          integer not null,
        org_id              uuid not null,
        existing_member_id  uuid not null,
        review_org_id       uuid not null,
        actor_sub           text not null,
        held_at             timestamptz not null default now()
      )`);
    await q.query(`create index if not exists id_number_review_holds_org_idx on id_number_review_holds (review_org_id, held_at)`);
    await q.query(`
      create table if not exists id_number_probe_flags (
        id               bigserial primary key,
        actor_sub        text not null,
        actor_org_id     uuid,
        review_org_id    uuid,
        jobs             integer not null,
        id_numbers       integer not null,
        flagged_at       timestamptz not null default now()
      )`);
    await q.query(`create index if not exists id_number_probe_flags_org_idx on id_number_probe_flags (review_org_id, flagged_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists id_number_probe_flags`);
    await q.query(`drop table if exists id_number_review_holds`);
    await q.query(`drop table if exists id_number_checks`);
  }
}
