import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review read model: one row per member and year, moved on only by the next event of its
 * stream (`version`), so a redelivered or replayed event changes nothing.
 */
class ReviewView1764740000000 implements MigrationInterface {
  readonly name = 'ReviewView1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists review_view (
        member_id uuid not null,
        year integer not null,
        org_id uuid not null,
        status text not null,
        submitted_on date not null,
        tally jsonb,
        grade text,
        approved boolean not null default false,
        returned_count integer not null default 0,
        version integer not null,
        updated_at timestamptz not null,
        primary key (member_id, year)
      )`);
    await q.query(`create index if not exists review_view_year_org_idx on review_view (year, org_id)`);
    // The evidence pack looks up a member's pledges.
    await q.query(`create index if not exists pledge_view_pledger_idx on pledge_view (pledger_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists review_view`);
  }
}

/** The peer ballots on the five models (五个模范), beside the grade tally; null where only grades were counted. */
class ReviewViewCriteria1764740000001 implements MigrationInterface {
  readonly name = 'ReviewViewCriteria1764740000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table review_view add column if not exists criteria jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table review_view drop column if exists criteria`);
  }
}

/** The reviews slice's read side; timestamps from 1764740000000 up, oldest first. */
export const reviewsMigrations: (new () => MigrationInterface)[] = [ReviewView1764740000000, ReviewViewCriteria1764740000001];
