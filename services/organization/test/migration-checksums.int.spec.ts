import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Pool } from 'pg';
import { MigrationHistoryError } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the spec migrates exactly as `npm run migrate` does
import { migrateService, serviceMigrations } from '../../../scripts/migrate';
// eslint-disable-next-line @nx/enforce-module-boundaries -- and checksums as it does
import { migrationChecksum, verifyChecksums } from '../../../scripts/migration-checksums';
import { organizationMigrations } from '../src/infrastructure/migrations';

/** A migration class named `name` whose up() sends `sql`: two of them with one name are an edit. */
const migration = (name: string, sql: string): new () => MigrationInterface =>
  class implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(sql);
    }
    async down(): Promise<void> {}
  };

const SCRATCH = 'Scratch1900000000000';
const LATER = 'ScratchLater1900000000001';

// scripts/migrate.ts against the real Postgres: every applied migration has its checksum, and
// an applied migration that changed since (in the code or in the record) stops the migration.
describe(migrateService.name, () => {
  let db: TestSchema;
  const checksums = async () =>
    (await db.pool.query<{ name: string; checksum: string }>(`select name, checksum from migration_checksums order by name`)).rows;

  beforeEach(async () => {
    db = await createTestSchema('migrate_sums');
  });
  afterEach(async () => {
    await db?.drop();
  });

  it('records a sha256 per applied migration and migrates again without complaint', async () => {
    const list = [...organizationMigrations, migration(SCRATCH, `create table scratch (id integer)`)];
    expect(await migrateService(db.url, db.schema, list)).toBe(list.length);
    const rows = await checksums();
    expect(rows).toHaveLength(list.length);
    for (const r of rows) expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(await migrateService(db.url, db.schema, list)).toBe(0);
  });

  it('refuses, naming it, a migration edited after it was applied, and runs nothing after it', async () => {
    await migrateService(db.url, db.schema, [migration(SCRATCH, `create table scratch (id integer)`)]);
    const edited = [migration(SCRATCH, `create table scratch (id bigint)`), migration(LATER, `create table later (id integer)`)];

    const refusal = migrateService(db.url, db.schema, edited);
    await expect(refusal).rejects.toThrow(MigrationHistoryError);
    await expect(refusal).rejects.toThrow(new RegExp(`migration ${SCRATCH} changed since it was applied`));
    const later = await db.pool.query(`select to_regclass('later') as t`);
    expect(later.rows[0].t).toBeNull();
  });

  it('records the checksum of each migration as it is applied, so a run that fails part-way cannot let an edit of one through', async () => {
    const first = `create table scratch (id integer)`;
    const failing = [migration(SCRATCH, first), migration(LATER, `select 1/0`)];
    await expect(migrateService(db.url, db.schema, failing)).rejects.toThrow(/division by zero/);
    expect((await checksums()).map((r) => r.name)).toEqual([SCRATCH]);

    const edited = [migration(SCRATCH, `create table scratch (id bigint)`), migration(LATER, `create table later (id integer)`)];
    await expect(migrateService(db.url, db.schema, edited)).rejects.toThrow(
      new RegExp(`migration ${SCRATCH} changed since it was applied`),
    );
  });

  it('refuses when the recorded checksum of an applied migration no longer matches', async () => {
    await migrateService(db.url, db.schema, organizationMigrations);
    const victim = new organizationMigrations[2]!().name!;
    await db.pool.query(`update migration_checksums set checksum = repeat('0', 64) where name = $1`, [victim]);
    await expect(migrateService(db.url, db.schema, organizationMigrations)).rejects.toThrow(`migration ${victim} changed`);
  });

  it('names, without refusing, a migration applied here that this code does not know (older code against a shared database)', async () => {
    await migrateService(db.url, db.schema, [migration(SCRATCH, `create table scratch (id integer)`)]);
    const query = (sql: string, params?: unknown[]) => db.pool.query(sql, params).then((r) => r.rows as unknown[]);
    expect(await verifyChecksums(query, db.schema, [])).toEqual([SCRATCH]);
    expect(await migrateService(db.url, db.schema, [])).toBe(0);
  });

  it('takes the same checksum under @swc/jest as npm run migrate took under @swc-node/register', async () => {
    // The global setup migrated the test database with scripts/migrate.ts under @swc-node/register.
    const admin = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 1 });
    try {
      for (const [service, list] of Object.entries(serviceMigrations)) {
        const { rows } = await admin.query<{ name: string; checksum: string }>(
          `select name, checksum from "${service}".migration_checksums`,
        );
        const recorded = Object.fromEntries(rows.map((r) => [r.name, r.checksum]));
        const here = Object.fromEntries(
          await Promise.all((list ?? []).map(async (M) => [new M().name!, await migrationChecksum(new M())] as const)),
        );
        expect(recorded).toEqual(here);
      }
    } finally {
      await admin.end();
    }
  });
});
