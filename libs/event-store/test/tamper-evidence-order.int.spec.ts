import { PostgresEventStore, type RecordedEvent } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

/**
 * Position and transaction id are not hashed (they are assigned at insert), so an insider can
 * rewrite them without breaking any chain; readers of "all" order by them. verify must see it.
 */
describe(`${PostgresEventStore.name} tamper evidence of the global order`, () => {
  let f: StoreFixture;
  let sut: PostgresEventStore;
  beforeAll(async () => {
    f = await storeFixture('es_tamper_order');
    sut = f.store();
  });
  afterAll(() => f.close());

  /** As the owner with ordinary triggers off, the way an insider would. */
  async function asOwnerBypassingTriggers(sql: string, values: unknown[] = []): Promise<void> {
    const c = await f.admin.connect();
    try {
      await c.query(`set search_path = "${f.db.schema}"`);
      await c.query('set session_replication_role = replica');
      await c.query(sql, values);
    } finally {
      await c.query('reset session_replication_role').catch(() => undefined);
      await c.query('reset search_path').catch(() => undefined);
      c.release();
    }
  }

  /** Three versions, each appended in its own transaction. */
  async function stream(name: string): Promise<RecordedEvent[]> {
    for (const n of [1, 2, 3]) await sut.append(name, [counted('test.Counted', n)], { expectedVersion: n - 1, context });
    return sut.readStream(name);
  }

  /**
   * The stream's versions in the order readers of "all" get them: by (transaction id, position),
   * and only ids already assigned (readers stop below the oldest open one, which is lower still).
   */
  async function readersOrder(name: string): Promise<number[]> {
    const { rows } = await f.db.pool.query<{ v: string }>(
      `select stream_version as v from events
        where stream_id = $1 and transaction_id < pg_snapshot_xmax(pg_current_snapshot())
        order by transaction_id, position`,
      [name],
    );
    return rows.map((r) => Number(r.v));
  }

  it('passes an untouched store', async () => {
    await stream('ledger-intact');
    await expect(sut.verify({ stream: 'ledger-intact' })).resolves.toMatchObject({ ok: true, checkedEvents: 3 });
  });

  it('names a position swapped between two versions of a stream', async () => {
    // One append: versions 1 and 2 share a transaction id, so readers order them by position.
    await sut.append('ledger-swap', [counted('test.Counted', 1), counted('test.Counted', 2)], { expectedVersion: 'no_stream', context });
    await sut.append('ledger-swap', [counted('test.Counted', 3)], { expectedVersion: 2, context });
    const [v1, v2] = await sut.readStream('ledger-swap');
    // position is an identity column: an insider deletes and re-inserts the rows with the positions swapped.
    await asOwnerBypassingTriggers(`
      create temp table moved on commit drop as select * from events where stream_id = 'ledger-swap' and stream_version in (1, 2);
      delete from events where stream_id = 'ledger-swap' and stream_version in (1, 2);
      update moved set position = case stream_version when 1 then ${v2!.position} else ${v1!.position} end;
      insert into events overriding system value select * from moved;`);
    expect(await readersOrder('ledger-swap')).toEqual([2, 1, 3]); // what readers now see
    const broken = { streamId: 'ledger-swap', streamVersion: 2, position: v1!.position, reason: 'position_mismatch' };
    await expect(sut.verify({ stream: 'ledger-swap' })).resolves.toMatchObject({
      ok: false,
      broken: { ...broken, expected: `position above ${v2!.position} (version 1)`, found: `position ${v1!.position}` },
    });
    await expect(sut.verify()).resolves.toMatchObject({ ok: false, broken });
  });

  it('names a transaction id moved below the previous version’s', async () => {
    const [v1, v2] = await stream('ledger-early');
    const earlier = (BigInt(v1!.transactionId) - 1n).toString();
    await asOwnerBypassingTriggers(`update events set transaction_id = $1::xid8 where stream_id = 'ledger-early' and stream_version = 2`, [
      earlier,
    ]);
    expect(await readersOrder('ledger-early')).toEqual([2, 1, 3]);
    await expect(sut.verify({ stream: 'ledger-early' })).resolves.toMatchObject({
      ok: false,
      broken: {
        streamId: 'ledger-early',
        streamVersion: 2,
        position: v2!.position,
        reason: 'transaction_id_mismatch',
        expected: `transaction_id at least ${v1!.transactionId} (version 1)`,
        found: `transaction_id ${earlier}`,
      },
    });
  });

  it('names a transaction id this cluster has not assigned yet, which hides the event from every reader', async () => {
    const [, , v3] = await stream('ledger-hidden');
    await asOwnerBypassingTriggers(
      `update events set transaction_id = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8
        where stream_id = 'ledger-hidden' and stream_version = 3`,
    );
    expect(await readersOrder('ledger-hidden')).toEqual([1, 2]);
    await expect(sut.verify({ stream: 'ledger-hidden' })).resolves.toMatchObject({
      ok: false,
      broken: {
        streamId: 'ledger-hidden',
        streamVersion: 3,
        position: v3!.position,
        reason: 'transaction_id_mismatch',
        expected: expect.stringMatching(/^transaction_id below \d+ \(not yet assigned in this cluster\)$/),
      },
    });
  });
});
