import { createHash } from 'node:crypto';
import type { ClientBase } from 'pg';

/** One numbered step of a schema's history. Once applied anywhere, its text never changes: add a new one. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  /** The DDL for a given schema name. */
  readonly sql: (schema: string) => string;
}

/** An applied migration no longer matches the code, or the code does not know it. */
export class MigrationHistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationHistoryError';
  }
}

/**
 * Checksums are taken over the text for this fixed schema name, so the same migration has
 * the same checksum in every service's schema.
 */
const CHECKSUM_SCHEMA = 'vanguard_migration_checksum';

export function migrationChecksum(m: Migration): string {
  return createHash('sha256').update(m.sql(CHECKSUM_SCHEMA)).digest('hex');
}

/**
 * Applies, in id order, the migrations `schema` has not had yet, and records each (id, name,
 * checksum) in `<schema>.store_migrations`. Refuses before changing anything when an applied
 * migration's text changed since, or when the schema has one this code does not know (newer
 * code ran here). Run it inside the caller's transaction, under a lock that serialises
 * migrators of the schema: each migration then commits together with its record.
 */
export async function applyMigrations(client: ClientBase, schema: string, migrations: readonly Migration[]): Promise<number[]> {
  // The same rule as assertIdentifier, repeated so that schema.ts can import this file without a cycle.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TypeError(`schema ${JSON.stringify(schema)} is not a plain lower-case identifier`);
  const s = `"${schema}"`;
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) throw new MigrationHistoryError(`migration ids must run 1, 2, 3, …: position ${i + 1} has id ${m.id}`);
  });
  await client.query(`create schema if not exists ${s}`);
  await client.query(
    `create table if not exists ${s}.store_migrations (
       id          integer primary key,
       name        text not null,
       checksum    text not null,
       applied_at  timestamptz not null default now()
     )`,
  );
  const { rows } = await client.query<{ id: number; name: string; checksum: string; applied_at: Date }>(
    `select id, name, checksum, applied_at from ${s}.store_migrations order by id`,
  );
  const applied = new Set<number>();
  for (const r of rows) {
    const m = migrations[r.id - 1];
    if (!m) throw new MigrationHistoryError(`${schema}: migration ${r.id} (${r.name}) was applied here but this code does not know it`);
    const checksum = migrationChecksum(m);
    if (checksum !== r.checksum) {
      throw new MigrationHistoryError(
        `${schema}: migration ${r.id} (${r.name}) changed since it was applied on ${r.applied_at.toISOString()} ` +
          `(checksum ${r.checksum}, now ${checksum}); put the change in a new migration instead`,
      );
    }
    applied.add(r.id);
  }
  const ran: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    await client.query(m.sql(schema));
    await client.query(`insert into ${s}.store_migrations (id, name, checksum) values ($1, $2, $3)`, [m.id, m.name, migrationChecksum(m)]);
    ran.push(m.id);
  }
  return ran;
}
