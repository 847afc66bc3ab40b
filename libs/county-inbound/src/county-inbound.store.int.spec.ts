import { DataSource } from 'typeorm';
import { CommitRolledBackError } from '@vanguard/messaging';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { PgCountyInboundStore, TypeOrmCountyInboundStore, type CountyInboundStore } from './county-inbound.store';

// A county batch whose handler caught a database error: Postgres answers its COMMIT with
// ROLLBACK without raising, so the batch must fail (and be retried), not be reported applied.
describe('the county gate’s batch transaction (real Postgres)', () => {
  let db: TestSchema;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestSchema('county_store');
    await db.pool.query('create table applied (id int primary key)');
    dataSource = new DataSource({ type: 'postgres', url: db.url, schema: db.schema, poolSize: 2 });
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const stores = (): [string, CountyInboundStore<unknown>][] => [
    ['TypeORM (organization, assistance)', new TypeOrmCountyInboundStore(dataSource)],
    ['pg (evaluation)', new PgCountyInboundStore(db.pool)],
  ];

  it.each([0, 1])('WhenTheHandlerSwallowsADatabaseError_TheBatchFailsAndNothingIsWritten (store %i)', async (i) => {
    const [name, store] = stores()[i]!;
    const id = 100 + i;
    const batch = store.transaction(async (_tx, query) => {
      await query('insert into applied (id) values ($1)', [id]);
      // A handler that "tolerates" a duplicate: the catch hides the error, not the abort.
      await query('insert into applied (id) values ($1)', [id]).catch(() => undefined);
      return 'applied';
    });
    await expect(batch).rejects.toThrow(i === 0 ? CommitRolledBackError : /aborted|rolled back/);
    const { rows } = await db.pool.query('select id from applied where id = $1', [id]);
    expect({ name, rows }).toEqual({ name, rows: [] });
  });

  it('WhenTheHandlerSucceeds_TheBatchCommits', async () => {
    const result = await new TypeOrmCountyInboundStore(dataSource).transaction(async (_tx, query) => {
      await query('insert into applied (id) values (7)');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect((await db.pool.query('select id from applied where id = 7')).rows).toEqual([{ id: 7 }]);
  });
});
