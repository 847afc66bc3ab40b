import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrateInbox } from '@vanguard/messaging';

/**
 * County inbound (issue 17): county_member_links (organization.CountyMemberLinked, which the
 * visit translation reads), the inbox of the links consumer, and what a county's deed carries
 * beyond one logged here — which county sent it (so only that county replaces it), the helper
 * unit by name and organisation, and its description.
 */
export class AssistanceCounty1764900000002 implements MigrationInterface {
  readonly name = 'AssistanceCounty1764900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists county_member_links (
        county_client_id text not null,
        county_member_id uuid not null,
        member_id uuid not null,
        org_id uuid not null,
        linked_at timestamptz not null,
        source_stream text not null,
        source_version bigint not null,
        primary key (county_client_id, county_member_id)
      )`);
    await q.query(`create index if not exists county_member_links_member_idx on county_member_links (member_id)`);
    await migrateInbox(q);
    await q.query(`alter table deeds add column if not exists county_client_id text`);
    await q.query(`alter table deeds add column if not exists helper_unit_name text`);
    await q.query(`alter table deeds add column if not exists helper_org_id uuid`);
    await q.query(`alter table deeds add column if not exists description text`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['description', 'helper_org_id', 'helper_unit_name', 'county_client_id'])
      await q.query(`alter table deeds drop column if exists ${c}`);
    await q.query(`drop table if exists county_member_links`);
  }
}
