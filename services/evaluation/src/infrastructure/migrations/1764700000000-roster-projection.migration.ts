import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evaluation's own projection of the organization service's state topics (ADR 0029): the
 * latest state of each organisation and member, by id, no personal data. `version` is the
 * record's state version: a record is applied only when newer, so redeliveries and replays
 * change nothing.
 */
export class RosterProjection1764700000000 implements MigrationInterface {
  readonly name = 'RosterProjection1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table roster_organizations (
        id uuid primary key,
        parent_id uuid,
        path uuid[] not null,
        status text not null,
        contact_points jsonb not null default '[]',
        version bigint not null
      )`);
    await q.query(`
      create table roster_members (
        id uuid primary key,
        org_id uuid not null,
        status text not null,
        membership text not null,
        roles text[] not null,
        version bigint not null
      )`);
    await q.query(`create index roster_members_active_org_idx on roster_members (org_id, id) where membership = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists roster_members`);
    await q.query(`drop table if exists roster_organizations`);
  }
}
