import { Pool } from 'pg';
import { EventStoreError, personal, PostgresEventStore } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

/** An append's outcome as one word: stored, or the code of a typed error; anything else is a plain error. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'stored',
    (e: unknown) => (e instanceof EventStoreError ? e.code : `plain error: ${e instanceof Error ? e.message : String(e)}`),
  );

describe(`${PostgresEventStore.name} appends that create a stream or a subject at once`, () => {
  let f: StoreFixture;
  let pool: Pool;
  beforeAll(async () => {
    f = await storeFixture('es_new_stream');
    pool = new Pool({ connectionString: f.db.url, max: 12 });
  });
  afterAll(async () => {
    await pool.end();
    await f.close();
  });

  it('lets exactly one of many concurrent first appends to a new stream win, and tells the others why', async () => {
    for (let round = 0; round < 10; round++) {
      const stream = `fresh-${round}`;
      // Grouped appends from two stores (two committers), single appends, and callers' transactions.
      const stores = [
        new PostgresEventStore(pool, { schema: f.db.schema }),
        new PostgresEventStore(pool, { schema: f.db.schema }),
        new PostgresEventStore(pool, { schema: f.db.schema, groupCommit: false }),
      ];
      const viaStores = stores.flatMap((sut, i) =>
        [0, 1].map((k) =>
          outcome(sut.append(stream, [{ type: 'test.Created', data: { i, k } }], { expectedVersion: 'no_stream', context })),
        ),
      );
      const viaCallers = [0, 1].map(async (k) => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const r = await outcome(
            stores[0]!.append(stream, [{ type: 'test.Created', data: { k } }], { expectedVersion: 'no_stream', context, client }),
          );
          await client.query(r === 'stored' ? 'commit' : 'rollback');
          return r;
        } finally {
          client.release();
        }
      });
      const outcomes = await Promise.all([...viaStores, ...viaCallers]);
      expect(outcomes.filter((o) => o === 'stored')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'stored').every((o) => o === 'EVENT_STORE.CONCURRENCY')).toBe(true);
      expect((await stores[0]!.readStream(stream)).map((e) => e.streamVersion)).toEqual([1]);
    }
  });

  it('stores every concurrent append that names a new personal-data subject, under one key', async () => {
    for (let round = 0; round < 10; round++) {
      const subject = `member-new-${round}`;
      const stores = [
        new PostgresEventStore(pool, { schema: f.db.schema }),
        new PostgresEventStore(pool, { schema: f.db.schema, groupCommit: false }),
      ];
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, k) =>
          outcome(
            stores[k % 2]!.append(`subject-r${round}k${k}`, [{ type: 'test.Named', data: { name: personal(subject, `name ${k}`) } }], {
              expectedVersion: 'no_stream',
              context,
            }),
          ),
        ),
      );
      expect(outcomes).toEqual(Array.from({ length: 6 }, () => 'stored'));
      const { rows } = await pool.query('select count(*)::int as n from personal_keys where subject_id = $1', [subject]);
      expect(rows).toEqual([{ n: 1 }]);
    }
  });
});
