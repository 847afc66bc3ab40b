import type { MigrationInterface, QueryRunner } from 'typeorm';
import { qualifiedTable } from '@vanguard/messaging';

export const COUNTY_MESSAGES_TABLE = 'county_messages';
export const COUNTY_SUBJECTS_TABLE = 'county_subjects';

export interface CountyInboundTableOptions {
  /** Defaults to the connection's search_path (the owning service's own schema). */
  readonly schema?: string;
}

/**
 * The gate's tables in the owning service's schema (version 1; migrations are checksummed, so a
 * later change is a new function, never an edit of this one):
 * - county_messages: one row per (county, message id) ever decided, with the payload's digest and
 *   the outcome, so a resend is answered `duplicate` with the original outcome and a reused id
 *   with another payload is refused;
 * - county_subjects: the last sequence applied per (county, subject), so an older state never
 *   overwrites a newer one.
 */
export function countyInboundTableDdl(options: CountyInboundTableOptions = {}): string[] {
  const messages = qualifiedTable(COUNTY_MESSAGES_TABLE, options.schema);
  const subjects = qualifiedTable(COUNTY_SUBJECTS_TABLE, options.schema);
  return [
    `create table if not exists ${messages} (
      county_client_id text not null,
      message_id text not null,
      message_type text not null,
      subject text,
      sequence bigint,
      payload_sha256 text not null,
      outcome text not null check (outcome in ('applied', 'refused')),
      code text,
      reason text,
      recorded_at timestamptz not null default now(),
      primary key (county_client_id, message_id)
    )`,
    `create table if not exists ${subjects} (
      county_client_id text not null,
      subject text not null,
      last_sequence bigint not null,
      updated_at timestamptz not null default now(),
      primary key (county_client_id, subject)
    )`,
  ];
}

/**
 * Version 2: an index on county_messages.recorded_at, so the retention (county-retention.ts)
 * finds rows older than the idempotency window without reading the whole table each batch.
 */
export function countyInboundRetentionDdl(options: CountyInboundTableOptions = {}): string[] {
  const messages = qualifiedTable(COUNTY_MESSAGES_TABLE, options.schema);
  return [`create index if not exists county_messages_recorded_at_idx on ${messages} (recorded_at)`];
}

/** For services on plain pg: creates the tables and the retention index if missing (idempotent). */
export async function migrateCountyInbound(
  db: { query(sql: string): Promise<unknown> },
  options: CountyInboundTableOptions = {},
): Promise<void> {
  for (const sql of [...countyInboundTableDdl(options), ...countyInboundRetentionDdl(options)]) await db.query(sql);
}

/**
 * A TypeORM migration creating the tables, for a service's own migration list (as
 * `orgTreeMigration(timestamp)`): `countyInboundMigration(1764800000000)`. Its SQL is
 * `countyInboundTableDdl`, which the checksum records.
 */
export function countyInboundMigration(timestamp: number, options: CountyInboundTableOptions = {}): new () => MigrationInterface {
  const name = `VanguardCountyInbound${timestamp}`;
  return class CountyInboundMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of countyInboundTableDdl(options)) await q.query(sql);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`drop table if exists ${qualifiedTable(COUNTY_SUBJECTS_TABLE, options.schema)}`);
      await q.query(`drop table if exists ${qualifiedTable(COUNTY_MESSAGES_TABLE, options.schema)}`);
    }
  };
}

/**
 * The retention index (`countyInboundRetentionDdl`), a migration of its own after
 * `countyInboundMigration` in a service's list: `countyInboundRetentionMigration(1764990000000)`.
 */
export function countyInboundRetentionMigration(timestamp: number, options: CountyInboundTableOptions = {}): new () => MigrationInterface {
  const name = `VanguardCountyInboundRetention${timestamp}`;
  return class CountyInboundRetentionMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of countyInboundRetentionDdl(options)) await q.query(sql);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`drop index if exists ${qualifiedTable('county_messages_recorded_at_idx', options.schema)}`);
    }
  };
}
