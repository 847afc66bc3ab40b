import type { MigrationInterface, QueryRunner } from 'typeorm';
import { countyInboundMigration, countyInboundRetentionMigration, countyMemberLinksTakeOverMigration } from '@vanguard/county-inbound';
import { outboxMigration } from '@vanguard/messaging';

/**
 * county_member_links: the organization service's mapping of county member ids (issue 17),
 * projected from organization.CountyMemberLinked, which the county translations read.
 * `source_stream`/`source_version`: the link's organization event, so an older one never
 * replaces a newer one.
 */
export class CountyMemberLinks1764790000000 implements MigrationInterface {
  readonly name = 'CountyMemberLinks1764790000000';

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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists county_member_links`);
  }
}

/**
 * mass_tally_view: a county's paper mass evaluations (`mass-tally-` streams), the count in force
 * per subject and period, read beside mass_rating_view as mass ratings (ADR 0046).
 */
export class MassTallyView1764790000003 implements MigrationInterface {
  readonly name = 'MassTallyView1764790000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists mass_tally_view (
        stream_id text primary key,
        subject_kind text not null,
        subject_id uuid not null,
        org_id uuid not null,
        period text not null,
        held_on date not null,
        ballots_issued integer not null,
        ballots_returned integer not null,
        satisfied integer not null,
        basically_satisfied integer not null,
        dissatisfied integer not null,
        satisfaction_permille integer,
        version integer not null
      )`);
    await q.query(`create index if not exists mass_tally_view_subject_idx on mass_tally_view (subject_id, period)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists mass_tally_view`);
  }
}

/**
 * The county inbound slice's migrations, in its own range of timestamps: the links, the gate's
 * county_messages / county_subjects, and an outbox for the gate's replies (evaluation's events
 * reach Kafka from the store; the replies are not events of the store).
 */
export const countyMigrations: (new () => MigrationInterface)[] = [
  CountyMemberLinks1764790000000,
  countyInboundMigration(1764790000001),
  outboxMigration(1764790000002),
  MassTallyView1764790000003,
  countyInboundRetentionMigration(1764790000004),
  // A link ended by a take-over is kept, so its county id is answered COUNTY.MEMBER_TAKEN_OVER (ADR 0048).
  countyMemberLinksTakeOverMigration(1764790000005),
];
