import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Roster import jobs: progress and the bad rows of a dry run or a refused import. */
export class ImportJobs1732240000002 implements MigrationInterface {
  name = 'ImportJobs1732240000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table import_jobs (
        id uuid primary key,
        kind text not null check (kind in ('members','organizations')),
        format text not null check (format in ('csv','xlsx')),
        dry_run boolean not null,
        status text not null check (status in ('queued','running','succeeded','rejected','failed')),
        bytes_total bigint not null,
        bytes_read bigint not null default 0,
        rows_processed integer not null default 0,
        rows_imported integer not null default 0,
        error_count integer not null default 0,
        errors jsonb not null default '[]',
        message text,
        actor_sub text not null,
        actor_org_id uuid,
        created_at timestamptz not null default now(),
        finished_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists import_jobs`);
  }
}
