import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member moved to another county is taken over by that county (ADR 0048, take-over): its first
 * sync names him by his platform id and gets a link of its own, and the old county's link is
 * ended, not deleted — its id stays known, so a later message of the old county about him is
 * refused COUNTY.MEMBER_TAKEN_OVER instead of registering the person a second time. One
 * *current* link per member (a partial unique index) instead of one link per member.
 */
export class CountyLinkTakeover1764990000001 implements MigrationInterface {
  name = 'CountyLinkTakeover1764990000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table county_member_links add column ended_at timestamptz, add column taken_over_by text`);
    await q.query(`alter table county_member_links drop constraint county_member_links_member_key`);
    await q.query(`create unique index county_member_links_current_member on county_member_links (member_id) where ended_at is null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`delete from county_member_links where ended_at is not null`);
    await q.query(`drop index county_member_links_current_member`);
    await q.query(`alter table county_member_links add constraint county_member_links_member_key unique (member_id)`);
    await q.query(`alter table county_member_links drop column ended_at, drop column taken_over_by`);
  }
}
