// Gives each service its own login role and schema, then runs the service's migrations
// as that role, so a service can never touch another's tables (DESIGN.md: one schema each).
//
//   node -r @swc-node/register scripts/migrate.ts [--database platform|test]
//   node -r @swc-node/register scripts/migrate.ts --checksums   (every migration's sha256, migrating nothing)
import { Client, Pool } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { createServiceRole, migrate as migrateEventStore } from '@vanguard/event-store';
import {
  UsageError,
  databaseArg,
  databaseUrlOf,
  serviceDatabaseUrl,
  serviceRole,
  type Database,
  type ServiceName,
} from '@vanguard/infra-config';
import { commendationMigrations } from '../services/commendation/src/infrastructure/migrations';
import { assistanceMigrations } from '../services/assistance/src/infrastructure/migrations';
import { evaluationMigrations } from '../services/evaluation/src/infrastructure/migrations';
import { evaluationStoreIndexes } from '../services/evaluation/src/infrastructure/migrations/store-indexes';
import { organizationMigrations } from '../services/organization/src/infrastructure/migrations';
import { publicityMigrations } from '../services/publicity/src/infrastructure/migrations';
import { prepareAuditDatabase } from '../services/audit/src/infrastructure/audit-database';
import { auditMigrations } from '../services/audit/src/infrastructure/migrations';
import { reportingMigrations } from '../services/reporting/src/infrastructure/migrations';
import { migrationChecksum, nameOf, recordChecksums, recordingItsChecksum, verifyChecksums } from './migration-checksums';

export const serviceMigrations: Partial<Record<ServiceName, (new () => MigrationInterface)[]>> = {
  organization: organizationMigrations,
  evaluation: evaluationMigrations,
  assistance: assistanceMigrations,
  commendation: commendationMigrations,
  publicity: publicityMigrations,
  reporting: reportingMigrations,
};

/** Event-sourced services: their store's tables belong to the admin, so the service role may only insert and read events. */
const EVENT_SOURCED: readonly ServiceName[] = ['evaluation', 'commendation'];

/** Indexes a service's queries need on its store, which only the store's owner may create. */
const STORE_INDEXES: Partial<Record<ServiceName, readonly string[]>> = { evaluation: evaluationStoreIndexes('evaluation') };

async function ensureEventStore(adminUrl: string, service: ServiceName): Promise<void> {
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  try {
    await migrateEventStore(admin, { schema: service });
    await createServiceRole(admin, { schema: service, role: serviceRole(service) });
    for (const sql of STORE_INDEXES[service] ?? []) await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function ensureRoleAndSchema(adminUrl: string, service: ServiceName): Promise<void> {
  const role = serviceRole(service);
  const password = process.env['VG_SERVICE_DB_PASSWORD'] ?? 'vanguard-dev';
  const db = new Client({ connectionString: adminUrl });
  await db.connect();
  try {
    const exists = await db.query('select 1 from pg_roles where rolname = $1', [role]);
    const quoted = `'${password.replace(/'/g, "''")}'`;
    // Every run, not only at creation: a changed VG_SERVICE_DB_PASSWORD must reach the roles the services log in as.
    if (exists.rowCount === 0) await db.query(`create role "${role}" login password ${quoted}`);
    else await db.query(`alter role "${role}" login password ${quoted}`);
    await db.query(`create schema if not exists "${service}" authorization "${role}"`);
    const dbName = new URL(adminUrl).pathname.slice(1);
    await db.query(`grant connect on database "${dbName}" to "${role}"`);
    // The schema is the role's: unqualified names resolve there, and it needs nothing in public.
    await db.query(`alter role "${role}" set search_path = "${service}"`);
    await db.query(`revoke create on schema public from "${role}"`);
  } finally {
    await db.end();
  }
}

/**
 * Migrates every service's schema, one run at a time per database: two runs side by side (two
 * test processes, a service started during `npm run migrate`) updated the same catalog rows in
 * GRANT and ALTER ROLE and one failed with "tuple concurrently updated". A session-level lock on
 * a connection of its own spans the runs' many connections and ends with that connection.
 */
export async function migrate(database: Database): Promise<void> {
  const adminUrl = databaseUrlOf(database);
  const lock = new Client({ connectionString: adminUrl, application_name: 'vanguard migrate lock' });
  await lock.connect();
  try {
    await lock.query(`select pg_advisory_lock(hashtext('vanguard.migrate'))`);
    await migrateAll(adminUrl, database);
  } finally {
    await lock.end();
  }
}

async function migrateAll(adminUrl: string, database: Database): Promise<void> {
  for (const [service, list] of Object.entries(serviceMigrations) as [ServiceName, (new () => MigrationInterface)[]][]) {
    await ensureRoleAndSchema(adminUrl, service);
    if (EVENT_SOURCED.includes(service)) await ensureEventStore(adminUrl, service);
    const ran = await migrateService(serviceDatabaseUrl(service, adminUrl), service, list);
    process.stdout.write(`[migrate] ${service} (${database}): ${ran} new, ${list.length} in all\n`);
  }
  // After the stores it reads: the audit service's read-only role over them and its own trail store.
  await prepareAuditDatabase(adminUrl);
  // Audit's own tables (published checkpoints, witness cosignatures, the checkpoint events' outbox) are the admin's, as its trail store is (ADR 0041).
  const auditRan = await migrateService(adminUrl, 'audit', auditMigrations);
  process.stdout.write(`[migrate] audit (${database}): read-only role and trail store, ${auditRan} new\n`);
}

/**
 * Runs one schema's TypeORM migrations in order, recorded in `migrations`, with a sha256 of
 * each applied one's SQL in `migration_checksums`: refuses (MigrationHistoryError, naming the
 * migration) before running anything when an applied migration was edited since. Returns how
 * many ran.
 */
export async function migrateService(url: string, schema: string, list: (new () => MigrationInterface)[]): Promise<number> {
  const migrations = list.map((M) => new M());
  const recording = await Promise.all(migrations.map(async (m) => recordingItsChecksum(m, schema, await migrationChecksum(m))));
  const ds = new DataSource({ type: 'postgres', url, schema, migrations: recording, migrationsTableName: 'migrations', logging: false });
  await ds.initialize();
  try {
    const query = (sql: string, params?: unknown[]) => ds.query<unknown[]>(sql, params);
    const unknown = await verifyChecksums(query, schema, migrations);
    if (unknown.length)
      process.stderr.write(`[migrate] ${schema}: applied here, unknown to this code (newer code ran here): ${unknown.join(', ')}\n`);
    // Adopts migrations applied before checksums were kept; those run now record their own.
    await recordChecksums(query, schema, migrations);
    const ran = await ds.runMigrations({ transaction: 'each' });
    return ran.length;
  } finally {
    await ds.destroy();
  }
}

async function printChecksums(): Promise<void> {
  for (const [service, list] of Object.entries(serviceMigrations))
    for (const M of list ?? []) {
      const m = new M();
      process.stdout.write(`${service}\t${nameOf(m)}\t${await migrationChecksum(m)}\n`);
    }
  for (const M of auditMigrations) process.stdout.write(`audit\t${nameOf(new M())}\t${await migrationChecksum(new M())}\n`);
}

if (require.main === module && process.argv.includes('--checksums')) void printChecksums();
else if (require.main === module) {
  Promise.resolve()
    .then(() => migrate(databaseArg(process.argv.slice(2)).database))
    .catch((e: unknown) => {
      process.stderr.write(`[migrate] ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    });
}
