import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public notice (公示) and objections (异议). `public_notice_view` / `public_notice_entry`
 * hold only what a notice shows (name, organisation, category, deeds summary). `objection_view`
 * follows each objection by its tracking code. `objector_contact` keeps an objector's name and
 * contact apart from the events (which never carry them), readable only by investigators and
 * erasable once the objection is closed.
 */
class PublicNotice1765040000000 implements MigrationInterface {
  readonly name = 'PublicNotice1765040000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists public_notice_view (
        programme_id uuid primary key,
        programme_name text not null,
        awarding_org_id uuid not null,
        level text not null,
        round integer,
        starts_on date,
        ends_on date,
        days integer,
        day_kind text,
        version integer not null,
        updated_at timestamptz not null
      )`);
    await q.query(`
      create table if not exists public_notice_entry (
        programme_id uuid not null,
        round integer not null,
        nomination_id uuid not null,
        category text not null,
        name text not null,
        org_name text not null,
        deeds_summary text not null,
        withdrawn boolean not null default false,
        primary key (programme_id, round, nomination_id)
      )`);
    await q.query(`create index if not exists public_notice_entry_nomination_idx on public_notice_entry (nomination_id)`);
    await q.query(`
      create table if not exists objection_view (
        objection_id uuid primary key,
        tracking_code text not null unique,
        programme_id uuid not null,
        nomination_id uuid not null,
        awarding_org_id uuid not null,
        round integer not null,
        status text not null check (status in ('filed', 'assigned', 'upheld', 'dismissed')),
        filed_on date not null,
        grounds text not null,
        investigator jsonb,
        findings text,
        decided_at timestamptz,
        version integer not null,
        updated_at timestamptz not null
      )`);
    await q.query(`create index if not exists objection_view_nomination_idx on objection_view (nomination_id, status)`);
    await q.query(`create index if not exists objection_view_programme_idx on objection_view (programme_id, status)`);
    await q.query(`
      create table if not exists objector_contact (
        objection_id uuid primary key,
        name text,
        contact text,
        filed_at timestamptz not null
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists objector_contact`);
    await q.query(`drop table if exists objection_view`);
    await q.query(`drop table if exists public_notice_entry`);
    await q.query(`drop table if exists public_notice_view`);
  }
}

/** The public-notice slice; timestamps from 1765040000000 up, oldest first. */
export const publicNoticeMigrations: (new () => MigrationInterface)[] = [PublicNotice1765040000000];
