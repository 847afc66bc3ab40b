import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { migrate } from '../src';
import { applyMigrations, migrationChecksum, MigrationHistoryError, type Migration } from '../src/migration-runner';
import { STORE_MIGRATIONS } from '../src/schema';

describe(applyMigrations.name, () => {
  let db: TestSchema;
  beforeEach(async () => {
    db = await createTestSchema('es_migrations');
  });
  afterEach(() => db.drop());

  const history = async () =>
    (await db.pool.query<{ id: number; name: string; checksum: string }>('select id, name, checksum from store_migrations order by id'))
      .rows;

  /** Runs the migrations the way migrate does: in one transaction. */
  async function run(migrations: readonly Migration[]): Promise<number[]> {
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      const ran = await applyMigrations(c, db.schema, migrations);
      await c.query('commit');
      return ran;
    } catch (e) {
      await c.query('rollback');
      throw e;
    } finally {
      c.release();
    }
  }

  const noteColumn: Migration = { id: 2, name: 'stream notes', sql: (s) => `alter table "${s}".streams add column note text` };

  it('records the store baseline as migration 1 with its checksum, and applies nothing twice', async () => {
    await migrate(db.pool, { schema: db.schema });
    await migrate(db.pool, { schema: db.schema });
    expect(await history()).toEqual([{ id: 1, name: 'baseline', checksum: migrationChecksum(STORE_MIGRATIONS[0]!) }]);
  });

  it('applies a later migration once, in order, after the ones already applied', async () => {
    await migrate(db.pool, { schema: db.schema });
    await expect(run([...STORE_MIGRATIONS, noteColumn])).resolves.toEqual([2]);
    // A second run would fail on "column note already exists" if it applied 2 again.
    await expect(run([...STORE_MIGRATIONS, noteColumn])).resolves.toEqual([]);
    expect((await history()).map((m) => m.id)).toEqual([1, 2]);
    await expect(db.pool.query('select note from streams')).resolves.toMatchObject({ rowCount: 0 });
  });

  it('refuses to run when an applied migration was edited, naming it, and changes nothing', async () => {
    await run([...STORE_MIGRATIONS, noteColumn]);
    const edited: Migration = { ...noteColumn, sql: (s) => `alter table "${s}".streams add column note varchar(200)` };
    const third: Migration = { id: 3, name: 'more', sql: (s) => `create table "${s}".more (x int)` };
    await expect(run([...STORE_MIGRATIONS, edited, third])).rejects.toThrow(MigrationHistoryError);
    await expect(run([...STORE_MIGRATIONS, edited, third])).rejects.toThrow(
      new RegExp(
        `migration 2 \\(stream notes\\) changed since it was applied .* \\(checksum ${migrationChecksum(noteColumn)}, now ${migrationChecksum(edited)}\\)`,
      ),
    );
    expect((await history()).map((m) => m.id)).toEqual([1, 2]);
    await expect(db.pool.query('select 1 from more')).rejects.toMatchObject({ code: '42P01' });
  });

  it('refuses a schema migrated by newer code, and a history with a gap', async () => {
    await run([...STORE_MIGRATIONS, noteColumn]);
    await expect(migrate(db.pool, { schema: db.schema })).rejects.toThrow(
      /migration 2 \(stream notes\) was applied here but this code does not know it/,
    );
    await expect(run([...STORE_MIGRATIONS, { ...noteColumn, id: 3 }])).rejects.toThrow(/position 2 has id 3/);
  });
});
