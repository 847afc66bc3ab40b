import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrateInbox } from '@vanguard/messaging';
import { ReportingFactMultiRowIndex1766000000008 } from './fact-multi-row-index';
import { ReportingFactTotalsByIndex1766700000132 } from './fact-totals-by-index';
import { ReportingGrassroots1766700000160 } from './grassroots';
import { ReportingFactKeyHasDay1766000000009 } from './fact-key-day';
import { ReportingFactKeyHasOrganisation1766000000007 } from './fact-key-organisation';
import { ReportingRosterRemovals1766700000130 } from './roster-removals';
import { ReportingOrgParentIndex1766000000004, ReportingTotals1766000000003 } from './totals';
import { ReportingTotalsPerStatement1766000000006 } from './totals-per-statement';
import { ReportingTotalsCovered1766700000131 } from './totals-covered';
import { ReportingTotalsPlanned1766000000005 } from './totals-planned';

/** The projection consumer's inbox: each event counted once however often Kafka delivers it. */
class ReportingInbox1766000000000 implements MigrationInterface {
  readonly name = 'ReportingInbox1766000000000';
  async up(q: QueryRunner): Promise<void> {
    await migrateInbox(q);
  }
  async down(): Promise<void> {
    // The inbox only grows; dropping it would count old events again.
  }
}

/**
 * The projections (issue 16). `rpt_org` / `rpt_member` are the latest roster state from the
 * compacted state topics (ADR 0029), applied only when newer; `rpt_org` keeps the column names
 * libs/auth's ScopeService reads, so scope checks answer from the same copy. `rpt_fact` holds
 * what each counted event contributed to each figure, keyed by (event, figure, organisation, day) (the organisation since 1766000000007, the day since 1766000000009): a figure is a
 * sum over these rows, and its rows name the events behind it.
 */
class ReportingProjections1766000000001 implements MigrationInterface {
  readonly name = 'ReportingProjections1766000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table if not exists rpt_org (
        id uuid primary key,
        parent_id uuid,
        path uuid[] not null,
        code text not null,
        name text not null,
        level text not null,
        status text not null,
        merged_into_id uuid,
        contact_points integer not null,
        version integer not null,
        event_id uuid not null,
        occurred_at timestamptz not null
      )`);
    await q.query(`create index if not exists rpt_org_path_idx on rpt_org using gin (path)`);
    await q.query(`
      create table if not exists rpt_member (
        member_id uuid primary key,
        org_id uuid not null,
        membership text not null,
        version integer not null,
        event_id uuid not null,
        occurred_at timestamptz not null
      )`);
    await q.query(`create index if not exists rpt_member_org_idx on rpt_member (org_id)`);
    await q.query(`
      create table if not exists rpt_fact (
        event_id uuid not null,
        figure text not null,
        event_type text not null,
        stream_id text not null,
        org_id uuid not null,
        day date not null,
        occurred_at timestamptz not null,
        amount bigint not null,
        weight bigint not null,
        primary key (event_id, figure)
      )`);
    await q.query(`create index if not exists rpt_fact_figure_day_idx on rpt_fact (figure, day)`);
    await q.query(`create index if not exists rpt_fact_org_idx on rpt_fact (org_id)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists rpt_fact, rpt_member, rpt_org');
  }
}

/**
 * Dashboards over a subtree probe the facts per organisation (the subtree's ids passed as an
 * array): `(org_id, day)` with the summed columns included answers a county's period from the
 * index alone, where `rpt_fact_org_idx` (org_id only) lost to a seq scan of the whole period.
 * It also serves every lookup by org_id, so that index goes (one less to keep per insert).
 */
class ReportingFactOrgDayIndex1766000000002 implements MigrationInterface {
  readonly name = 'ReportingFactOrgDayIndex1766000000002';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index if not exists rpt_fact_org_day_idx on rpt_fact (org_id, day) include (figure, amount, weight)`);
    await q.query(`drop index if exists rpt_fact_org_idx`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`create index if not exists rpt_fact_org_idx on rpt_fact (org_id)`);
    await q.query(`drop index if exists rpt_fact_org_day_idx`);
  }
}

export const reportingMigrations: (new () => MigrationInterface)[] = [
  ReportingInbox1766000000000,
  ReportingProjections1766000000001,
  ReportingFactOrgDayIndex1766000000002,
  ReportingTotals1766000000003,
  ReportingOrgParentIndex1766000000004,
  ReportingTotalsPlanned1766000000005,
  ReportingTotalsPerStatement1766000000006,
  ReportingFactKeyHasOrganisation1766000000007,
  ReportingFactMultiRowIndex1766000000008,
  ReportingFactKeyHasDay1766000000009,
  ReportingRosterRemovals1766700000130,
  ReportingTotalsCovered1766700000131,
  ReportingFactTotalsByIndex1766700000132,
  ReportingGrassroots1766700000160,
];
