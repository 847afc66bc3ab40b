import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * County member ids (issue 17): a county system names a person by its own uuid; the first
 * RosterMemberSynced of that id registers a platform member with a new id and links the two.
 * One platform member has at most one county link. Evaluation and assistance learn the link
 * from `organization.CountyMemberLinked`, never from this table. No personal data here.
 */
export class CountyMemberLinks1764900000000 implements MigrationInterface {
  name = 'CountyMemberLinks1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table county_member_links (
        county_client_id text not null,
        county_member_id uuid not null,
        member_id uuid not null references members(id),
        org_id uuid not null references organizations(id),
        linked_at timestamptz not null default now(),
        primary key (county_client_id, county_member_id),
        constraint county_member_links_member_key unique (member_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table county_member_links`);
  }
}
