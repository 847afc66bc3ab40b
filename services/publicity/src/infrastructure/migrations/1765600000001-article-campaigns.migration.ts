import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 创先争优活动 that articles report on: a copy of evaluation's `CampaignLaunched` (the campaign,
 * the root of the subtree it covers, its dates), and an article's campaign. An article names a
 * campaign only once its launch has arrived here, hence the reference.
 */
export class ArticleCampaigns1765600000001 implements MigrationInterface {
  readonly name = 'ArticleCampaigns1765600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table campaigns (
        id uuid primary key,
        org_id uuid not null,
        name text not null,
        starts_on date not null,
        ends_on date not null,
        launched_at timestamptz not null
      )`);
    await q.query(`alter table articles add column campaign_id uuid references campaigns (id)`);
    await q.query(`create index articles_campaign_idx on articles (campaign_id) where campaign_id is not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table articles drop column campaign_id`);
    await q.query(`drop table campaigns`);
  }
}
