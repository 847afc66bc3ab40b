import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The read models each fed by a subscription of its own before ADR 0035. */
const FORMER = [
  'evaluation.pledge-view',
  'evaluation.comment-view',
  'evaluation.benchmark-pioneer-view',
  'evaluation.review-view',
  'evaluation.assessment-view',
  'evaluation.mass-rating-view',
];

/**
 * One subscription feeds every read model (ADR 0035). The read models it already covers are
 * listed, so a new one is built from the store before it joins. On a store whose read models
 * each had their own checkpoint, the shared one starts at the oldest of them (projections
 * key on stream versions, so what the others see again changes nothing) — unless one of them
 * never started, and then it starts at the beginning.
 */
class ProjectionHub1764770000000 implements MigrationInterface {
  readonly name = 'ProjectionHub1764770000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `create table if not exists projection_hub_members (name text primary key, joined_at timestamptz not null default now())`,
    );
    await q.query(
      `insert into subscription_checkpoints (subscription, transaction_id, position)
       select 'evaluation.projections', transaction_id, position from subscription_checkpoints
        where subscription = any($1)
          and (select count(*) from subscription_checkpoints where subscription = any($1)) = cardinality($1)
        order by transaction_id, position limit 1
       on conflict (subscription) do nothing`,
      [FORMER],
    );
    await q.query(
      `insert into projection_hub_members (name) select unnest($1::text[])
        where exists (select 1 from subscription_checkpoints where subscription = 'evaluation.projections')
       on conflict do nothing`,
      [FORMER],
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists projection_hub_members`);
  }
}

/** The shared projection subscription's bookkeeping; timestamps from 1764770000000 up. */
export const projectionHubMigrations: (new () => MigrationInterface)[] = [ProjectionHub1764770000000];
