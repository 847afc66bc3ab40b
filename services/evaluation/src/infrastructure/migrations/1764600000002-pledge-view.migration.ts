import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pledge read model: one row per pledge, moved on only by the next event of its stream
 * (`version`), so a redelivered or replayed event changes nothing.
 */
export class PledgeView1764600000002 implements MigrationInterface {
  readonly name = 'PledgeView1764600000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists pledge_view (
        pledge_id uuid primary key,
        campaign_id uuid not null,
        cycle_id uuid not null,
        org_id uuid not null,
        pledger_kind text not null,
        pledger_id uuid not null,
        category text not null,
        content text not null,
        due_on date not null,
        follows_pledge_id uuid,
        status text not null,
        percent integer not null default 0,
        filed_by_org_id uuid,
        returned_count integer not null default 0,
        satisfaction_permille integer,
        version integer not null,
        made_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(`create index if not exists pledge_view_cycle_idx on pledge_view (cycle_id, org_id)`);
    await q.query(`create index if not exists pledge_view_org_idx on pledge_view (org_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists pledge_view`);
  }
}
