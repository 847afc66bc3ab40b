import { ConcurrentChangeError, DeciderStreams } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

// DeciderStreams.inTransaction: the appends of a run guarded by its transaction's lock (ADR 0113).
describe(`${DeciderStreams.name} in the caller's transaction`, () => {
  let f: StoreFixture;
  let streams: DeciderStreams;
  beforeAll(async () => {
    f = await storeFixture('es_in_tx');
    streams = new DeciderStreams(f.store());
  });
  afterAll(() => f.close());

  const versions = async (streamId: string) =>
    (
      await f.admin.query<{ v: string }>(`select stream_version::text as v from "${f.db.schema}".events where stream_id = $1 order by 1`, [
        streamId,
      ])
    ).rows.map((r) => r.v);

  it('keeps the transaction usable after a refused append, and commits what the next try appended with it', async () => {
    const read = 'held-1';
    await streams.append(read, [counted()], 0, context);
    const client = await f.db.pool.connect();
    try {
      await client.query('begin');
      const locked = streams.inTransaction(client);
      // Held at a version it is not at: refused, as the caller's first try would be.
      await expect(
        locked.appendAll([{ streamId: 'written-1', events: [counted()], expectedVersion: 0, context }], [{ streamId: read, version: 0 }]),
      ).rejects.toBeInstanceOf(ConcurrentChangeError);
      await expect(locked.append('written-1', [counted()], 1, context)).rejects.toBeInstanceOf(ConcurrentChangeError);
      // The next try, in the same transaction, with what it read again.
      expect(
        await locked.appendAll(
          [{ streamId: 'written-1', events: [counted()], expectedVersion: 0, context }],
          [{ streamId: read, version: 1 }],
        ),
      ).toEqual([1]);
      expect(await locked.append('written-1', [counted()], 1, context)).toBe(2);
      expect(await versions('written-1')).toEqual([]);
      await client.query('commit');
    } finally {
      client.release();
    }
    expect(await versions('written-1')).toEqual(['1', '2']);
  });

  it('refuses a write whose expected version is stale before writing any of the others, so the transaction has no id yet', async () => {
    await streams.append('moved-2', [counted()], 0, context);
    const client = await f.db.pool.connect();
    try {
      await client.query('begin');
      const locked = streams.inTransaction(client);
      const writes = (moved: number) => [
        { streamId: 'first-2', events: [counted()], expectedVersion: 0, context },
        { streamId: 'moved-2', events: [counted()], expectedVersion: moved, context },
      ];
      await expect(locked.appendAll(writes(0))).rejects.toBeInstanceOf(ConcurrentChangeError);
      // Had 'first-2' been written first, the transaction would hold an id older than any append since: stale on a retry.
      expect((await client.query<{ xid: string | null }>('select pg_current_xact_id_if_assigned()::text as xid')).rows[0]!.xid).toBeNull();
      expect(await locked.appendAll(writes(1))).toEqual([1, 2]);
      await client.query('commit');
    } finally {
      client.release();
    }
    expect({ first: await versions('first-2'), moved: await versions('moved-2') }).toEqual({ first: ['1'], moved: ['1', '2'] });
  });

  it('keeps nothing when the caller rolls back', async () => {
    const client = await f.db.pool.connect();
    try {
      await client.query('begin');
      expect(await streams.inTransaction(client).append('rolled-1', [counted(), counted()], 0, context)).toBe(2);
      await client.query('rollback');
    } finally {
      client.release();
    }
    expect(await versions('rolled-1')).toEqual([]);
  });
});
