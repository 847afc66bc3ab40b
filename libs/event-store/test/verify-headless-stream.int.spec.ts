import { PostgresEventStore } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

/**
 * A stream whose head row the database owner deleted: its events are still there and chain
 * intact, so only the heads check can tell. The review found the whole-store pass reporting ok.
 */
describe(`${PostgresEventStore.name} verify of a stream without its head row`, () => {
  let f: StoreFixture;
  let sut: PostgresEventStore;
  let lastHash: string;

  beforeAll(async () => {
    f = await storeFixture('es_headless');
    sut = f.store();
    for (const s of ['ledger-a', 'ledger-b', 'ledger-c'])
      await sut.append(
        s,
        [1, 2, 3].map((n) => counted('test.Counted', n)),
        { expectedVersion: 'no_stream', context },
      );
    lastHash = (await sut.readStream('ledger-b'))[2]!.hash;
    // As the owner, with ordinary triggers off, the way an insider would.
    const c = await f.admin.connect();
    try {
      await c.query('set session_replication_role = replica');
      await c.query(`delete from "${f.db.schema}".streams where stream_id = 'ledger-b'`);
    } finally {
      await c.query('reset session_replication_role');
      c.release();
    }
  });
  afterAll(() => f.close());

  const broken = () => ({
    streamId: 'ledger-b',
    streamVersion: 3,
    position: null,
    reason: 'head_mismatch',
    expected: lastHash,
    found: 'no head row',
  });

  it('verify_WhenAStreamHasEventsButNoHeadRow_NamesItInTheWholeStorePass', async () => {
    await expect(sut.verify({}, { parallelism: 1 })).resolves.toEqual({ ok: false, checkedEvents: 9, checkedStreams: 3, broken: broken() });
    await expect(sut.verify({}, { parallelism: 2 })).resolves.toMatchObject({ ok: false, broken: broken() });
  });

  it('verify_WhenAStreamHasEventsButNoHeadRow_NamesItVerifiedAlone', async () => {
    await expect(sut.verify({ stream: 'ledger-b' })).resolves.toMatchObject({ ok: false, broken: broken() });
    await expect(sut.verify({ stream: 'ledger-a' })).resolves.toMatchObject({ ok: true });
  });
});
