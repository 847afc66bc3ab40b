import type { MigrationInterface, QueryRunner } from 'typeorm';
import { qualifiedTable, type SqlExecutor } from '@vanguard/messaging';

export const DEFAULT_ORG_TREE_TABLE = 'org_tree';

export interface OrgTreeTableOptions {
  /** Defaults to the connection's search_path (the service's own schema). */
  readonly schema?: string;
  readonly table?: string;
}

/**
 * A service's local copy of the organisation tree, fed from organization events.
 *
 * Events of different organisations travel on different partitions, so they arrive in any
 * cross-organisation order (ADR 0009). The table therefore keeps, per organisation, only
 * facts from its OWN stream (applied when newer than `version`): `parent_id`, `segment`
 * (its part of the code below its parent's), `status`, `merged_into_id`, `name`. `path` and
 * `code` are derived from those facts down the parent links, so every arrival order ends in
 * the same tree. `path` (`/<root>/…/<self>/`) is null while an ancestor has not arrived yet;
 * `segment` is null for a root, or for a row copied in without one (then it is taken from
 * the parent's code the first time the row is derived).
 */
export function orgTreeTableDdl(options: OrgTreeTableOptions = {}): string[] {
  const table = options.table ?? DEFAULT_ORG_TREE_TABLE;
  const t = qualifiedTable(table, options.schema);
  return [
    `create table if not exists ${t} (
      id uuid primary key,
      parent_id uuid,
      code text not null,
      name text not null,
      level text not null,
      path text,
      status text not null default 'active',
      updated_at timestamptz not null default now()
    )`,
    // Added after the first release: tables created by the earlier DDL get them here.
    `alter table ${t} add column if not exists segment text`,
    `alter table ${t} add column if not exists version integer not null default 0`,
    `alter table ${t} add column if not exists merged_into_id uuid`,
    `create index if not exists "${table}_path_idx" on ${t} (path text_pattern_ops)`,
    `create index if not exists "${table}_parent_idx" on ${t} (parent_id)`,
  ];
}

/**
 * SQL for the NOTIFY channel of a table: `<schema>_<table>`, the schema being the given one
 * or the connection's current schema (each service's own), so services sharing a database
 * do not wake each other.
 */
export function orgTreeChannelSql(options: OrgTreeTableOptions = {}): string {
  const table = (options.table ?? DEFAULT_ORG_TREE_TABLE).replace(/'/g, "''");
  const schema = options.schema ? `'${options.schema.replace(/'/g, "''")}'` : 'current_schema()';
  return `(${schema} || '_${table}')`;
}

/**
 * One version per fact (ADR 0010): a re-driven older event still sets the facts no newer
 * event set. Rows from before take the row's version for every fact, as they were judged.
 * A separate step, because applied migrations are checksummed and never change.
 */
export function orgTreeFactVersionsDdl(options: OrgTreeTableOptions = {}): string[] {
  const t = qualifiedTable(options.table ?? DEFAULT_ORG_TREE_TABLE, options.schema);
  return [
    `alter table ${t} add column if not exists parent_version integer not null default 0`,
    `alter table ${t} add column if not exists name_version integer not null default 0`,
    `alter table ${t} add column if not exists status_version integer not null default 0`,
    `update ${t} set parent_version = version, name_version = version, status_version = version
      where version > 0 and parent_version = 0 and name_version = 0 and status_version = 0`,
  ];
}

export async function migrateOrgTree(db: SqlExecutor, options: OrgTreeTableOptions = {}): Promise<void> {
  for (const sql of [...orgTreeTableDdl(options), ...orgTreeFactVersionsDdl(options), ...orgTreeHistoryDdl(options)]) await db.query(sql);
}

/** The migration adding per-fact versions to a table created by `orgTreeMigration`; list it after that one. */
export function orgTreeFactVersionsMigration(timestamp: number, options: OrgTreeTableOptions = {}): new () => MigrationInterface {
  const name = `VanguardOrgTreeFactVersions${timestamp}`;
  return class OrgTreeFactVersionsMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of orgTreeFactVersionsDdl(options)) await q.query(sql);
    }
    async down(): Promise<void> {
      // The columns stay: dropping them would let re-delivered old events overwrite newer facts.
    }
  };
}

/** A TypeORM migration class creating the org_tree table; add it to the service's migrations. */
export function orgTreeMigration(timestamp: number, options: OrgTreeTableOptions = {}): new () => MigrationInterface {
  const name = `VanguardOrgTree${timestamp}`;
  return class OrgTreeMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of orgTreeTableDdl(options)) await q.query(sql);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`drop table if exists ${qualifiedTable(options.table ?? DEFAULT_ORG_TREE_TABLE, options.schema)}`);
    }
  };
}

/**
 * The history of a tree copy (ADR 0081): one row per fact an organisation's own event set —
 * its parent (registered, moved) or its status (registered, merged, dissolved) — with the
 * stream version that set it and the instant the organization service recorded it. A fact
 * holds from `valid_from` until the organisation's next fact of the same kind. Paths are not
 * kept: an organisation's path at an instant follows from its ancestors' parents then, which
 * arrive in any order (ADR 0009), so it is derived when read, as the copy derives it.
 *
 * Each row depends on one event alone and is inserted once (`on conflict do nothing`), so the
 * table is the same set of rows whatever order, concurrency or redelivery brought the events.
 */
export function orgTreeHistoryDdl(options: OrgTreeTableOptions = {}): string[] {
  const table = options.table ?? DEFAULT_ORG_TREE_TABLE;
  const h = orgTreeHistoryTable(options);
  const t = qualifiedTable(table, options.schema);
  return [
    `create table if not exists ${h} (
      id uuid not null,
      fact text not null check (fact in ('parent', 'status')),
      version integer not null,
      parent_id uuid,
      status text,
      merged_into_id uuid,
      valid_from timestamptz not null,
      primary key (id, fact, version)
    )`,
    // Rows of the copy from before its history was kept: as they stand, since ever (what the
    // copy alone answered). Their events are in the inbox already and will not come again.
    `insert into ${h} (id, fact, version, parent_id, valid_from)
       select id, 'parent', parent_version, parent_id, '-infinity' from ${t}
     on conflict do nothing`,
    `insert into ${h} (id, fact, version, status, merged_into_id, valid_from)
       select id, 'status', status_version, status, merged_into_id, '-infinity' from ${t}
     on conflict do nothing`,
  ];
}

/** The migration creating the history of a copy; list it after `orgTreeFactVersionsMigration`. */
export function orgTreeHistoryMigration(timestamp: number, options: OrgTreeTableOptions = {}): new () => MigrationInterface {
  const name = `VanguardOrgTreeHistory${timestamp}`;
  return class OrgTreeHistoryMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of orgTreeHistoryDdl(options)) await q.query(sql);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`drop table if exists ${orgTreeHistoryTable(options)}`);
    }
  };
}

/** `<table>_history` beside the copy. */
export function orgTreeHistoryTable(options: OrgTreeTableOptions = {}): string {
  return qualifiedTable(`${options.table ?? DEFAULT_ORG_TREE_TABLE}_history`, options.schema);
}
