// Checksums of the services' TypeORM migrations, the event store's rule (ADR 0017) applied to
// them: what a migration did to a schema is recorded, and an edit to an applied one is refused.
// `node -r @swc-node/register scripts/migrate.ts --checksums` prints every migration's checksum.
import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MigrationHistoryError } from '@vanguard/event-store';

/** Runs a statement on the service's own connection (TypeORM's DataSource.query). */
export type Query = (sql: string, params?: unknown[]) => Promise<unknown[]>;

/**
 * The SQL a migration's `up` sends, in order, with its parameters. Taken from the statements,
 * not from the compiled function (`Function.toString` differs between @swc-node/register,
 * which `npm start` and `npm run migrate` use, and @swc/jest), so a checksum is the same
 * whatever transpiled the code. A migration may only talk through `query`: anything else
 * on the runner would escape the checksum, so it is refused here.
 */
export async function migrationText(migration: MigrationInterface): Promise<string> {
  const name = migration.name ?? migration.constructor.name;
  const statements: string[] = [];
  const recorder = new Proxy({} as QueryRunner, {
    get(_target, prop) {
      if (prop === 'query')
        return (sql: string, params?: unknown[]) => {
          statements.push(params?.length ? `${sql}\n-- ${JSON.stringify(params)}` : sql);
          return Promise.resolve([]);
        };
      if (prop === 'then') return undefined; // not a thenable
      throw new MigrationHistoryError(
        `migration ${name} uses queryRunner.${String(prop)}; checksummed migrations use queryRunner.query only`,
      );
    },
  });
  await migration.up(recorder);
  return statements.join(';\n');
}

export async function migrationChecksum(migration: MigrationInterface): Promise<string> {
  return createHash('sha256')
    .update(await migrationText(migration))
    .digest('hex');
}

export const nameOf = (m: MigrationInterface) => m.name ?? m.constructor.name;

/**
 * Refuses, naming the migration, when one applied to this schema no longer has the checksum
 * recorded when it was applied. Returns the recorded migrations this code does not know (newer
 * code ran here): reported, not refused, as TypeORM ignores them — an older checkout or a
 * bisect against a shared database must still run. Migrations applied before checksums were
 * kept are adopted: their checksum is recorded now (`recordChecksums`).
 */
export async function verifyChecksums(query: Query, schema: string, migrations: readonly MigrationInterface[]): Promise<string[]> {
  await query(
    `create table if not exists "${schema}".migration_checksums (
       name         text primary key,
       checksum     text not null,
       recorded_at  timestamptz not null default now()
     )`,
  );
  const recorded = (await query(`select name, checksum, recorded_at from "${schema}".migration_checksums order by name`)) as {
    name: string;
    checksum: string;
    recorded_at: Date;
  }[];
  const byName = new Map(migrations.map((m) => [nameOf(m), m]));
  const unknown: string[] = [];
  for (const r of recorded) {
    const m = byName.get(r.name);
    if (!m) {
      unknown.push(r.name);
      continue;
    }
    const checksum = await migrationChecksum(m);
    if (checksum !== r.checksum)
      throw new MigrationHistoryError(
        `${schema}: migration ${r.name} changed since it was applied (recorded ${r.recorded_at.toISOString()}; ` +
          `checksum ${r.checksum}, now ${checksum}); put the change in a new migration instead`,
      );
  }
  return unknown;
}

/**
 * `migration`, recording its checksum as the last statement of its own `up`: in the transaction
 * that applies it (TypeORM's `transaction: 'each'`), so no migration is ever applied without
 * one. Recorded only after the whole run, a run that failed part-way left the migrations it had
 * applied without a checksum, and an edit to them was adopted by the next run instead of refused.
 */
export function recordingItsChecksum(migration: MigrationInterface, schema: string, checksum: string): new () => MigrationInterface {
  const name = nameOf(migration);
  return class implements MigrationInterface {
    readonly name = name;
    readonly transaction = migration.transaction;
    async up(q: QueryRunner): Promise<void> {
      await migration.up(q);
      await q.query(`insert into "${schema}".migration_checksums (name, checksum) values ($1, $2) on conflict (name) do nothing`, [
        name,
        checksum,
      ]);
    }
    async down(q: QueryRunner): Promise<void> {
      await migration.down(q);
    }
  };
}

/** Records the checksum of every applied migration (TypeORM's `migrations` table) that has none yet. */
export async function recordChecksums(query: Query, schema: string, migrations: readonly MigrationInterface[]): Promise<void> {
  const [table] = (await query(`select to_regclass($1) as t`, [`"${schema}".migrations`])) as { t: string | null }[];
  if (!table?.t) return; // nothing applied yet: TypeORM creates the table on its first run
  const applied = new Set(((await query(`select name from "${schema}".migrations`)) as { name: string }[]).map((r) => r.name));
  for (const m of migrations) {
    if (!applied.has(nameOf(m))) continue;
    await query(`insert into "${schema}".migration_checksums (name, checksum) values ($1, $2) on conflict (name) do nothing`, [
      nameOf(m),
      await migrationChecksum(m),
    ]);
  }
}
