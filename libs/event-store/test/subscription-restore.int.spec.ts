import { waitUntil } from '@vanguard/testing';
import { rebaseAfterRestore, type GlobalCheckpoint } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

/** Two epochs of transaction ids: a source cluster that had run far longer than the one restored into. */
const AHEAD = 2n ** 33n;

describe(rebaseAfterRestore.name, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_restore');
  });
  afterAll(() => f.close());

  async function asOwner(sql: string): Promise<void> {
    const c = await f.admin.connect();
    try {
      await c.query(`set search_path = "${f.db.schema}"`);
      await c.query('set session_replication_role = replica');
      await c.query(sql);
    } finally {
      await c.query('reset session_replication_role').catch(() => undefined);
      await c.query('reset search_path').catch(() => undefined);
      c.release();
    }
  }

  async function checkpoint(name: string): Promise<GlobalCheckpoint> {
    const { rows } = await f.db.pool.query<{ transaction_id: string; position: string }>(
      'select transaction_id::text, position from subscription_checkpoints where subscription = $1',
      [name],
    );
    return { transactionId: rows[0]!.transaction_id, position: Number(rows[0]!.position) };
  }

  async function readAfter(after: GlobalCheckpoint): Promise<string[]> {
    const got: string[] = [];
    for await (const { events } of f.store().readAll({ after, raw: true }))
      for (const e of events) got.push(`${e.streamId}@${e.streamVersion}`);
    return got;
  }

  it('makes restored events readable again and moves checkpoints so that nothing after them is skipped', async () => {
    const store = f.store();
    await store.append('order-a', [counted()], { expectedVersion: 'no_stream', context });
    const b = await store.append('order-b', [counted(), counted()], { expectedVersion: 'no_stream', context });
    await store.append('order-a', [counted()], { expectedVersion: 1, context });
    const last = await store.append('order-c', [counted()], { expectedVersion: 'no_stream', context });
    // A projector that had reached order-b@2, and one that had reached the end.
    await f.db.pool.query(
      `insert into subscription_checkpoints (subscription, transaction_id, position)
       values ('projector', $1::xid8, $2), ('caught-up', $3::xid8, $4)`,
      [b.transactionId, b.positions[1], last.transactionId, last.positions[0]],
    );
    // What a restore from a cluster whose transaction counter was further along leaves behind.
    await asOwner(`
      update events set transaction_id = (transaction_id::text::numeric + ${AHEAD})::text::xid8;
      update subscription_checkpoints set transaction_id = (transaction_id::text::numeric + ${AHEAD})::text::xid8;
      update streams set last_xid = (last_xid::text::numeric + ${AHEAD})::text::xid8;`);
    await expect(store.verify()).resolves.toMatchObject({
      ok: false,
      broken: { reason: 'transaction_id_mismatch', expected: expect.stringContaining('not yet assigned in this cluster') },
    });
    await expect(readAfter({ transactionId: '0', position: 0 })).resolves.toEqual([]); // readers see none of it

    const report = await rebaseAfterRestore(f.admin, f.db.schema);
    expect(report).toMatchObject({ rebased: true, events: 5, streams: 3, transactionId: expect.stringMatching(/^\d+$/) });
    expect(report.checkpoints.map((c) => c.subscription)).toEqual(['caught-up', 'projector']);
    await expect(store.verify()).resolves.toMatchObject({ ok: true, checkedEvents: 5 });
    await expect(rebaseAfterRestore(f.admin, f.db.schema)).resolves.toMatchObject({ rebased: false });
    // A store rebased before last_xid was moved too: that is all a second run changes.
    await asOwner(`update streams set last_xid = (last_xid::text::numeric + ${AHEAD})::text::xid8;`);
    await expect(rebaseAfterRestore(f.admin, f.db.schema)).resolves.toMatchObject({
      rebased: true,
      events: 0,
      streams: 3,
      checkpoints: [],
    });

    // Several streams in one transaction: refused as stale while a restored stream's last writer looked newer.
    await store.appendTogether([
      { streamId: 'order-a', events: [counted()], options: { expectedVersion: 2, context } },
      { streamId: 'order-b', events: [counted()], options: { expectedVersion: 2, context } },
    ]);
    await store.append('order-d', [counted()], { expectedVersion: 'no_stream', context });
    // Readable once no older transaction in the cluster is open (other suites share it).
    const all = await waitUntil('order-d to be readable', async () => {
      const got = await readAfter({ transactionId: '0', position: 0 });
      return got.includes('order-d@1') && got;
    });
    // Everything in stream order, old before new; each checkpoint resumes exactly after what it had.
    expect(all).toEqual(['order-a@1', 'order-b@1', 'order-b@2', 'order-a@2', 'order-c@1', 'order-a@3', 'order-b@3', 'order-d@1']);
    await expect(readAfter(await checkpoint('projector'))).resolves.toEqual([
      'order-a@2',
      'order-c@1',
      'order-a@3',
      'order-b@3',
      'order-d@1',
    ]);
    await expect(readAfter(await checkpoint('caught-up'))).resolves.toEqual(['order-a@3', 'order-b@3', 'order-d@1']);
  });

  it('refuses a store whose positions do not rise with versions, rather than reorder a stream', async () => {
    const g = await storeFixture('es_restore_refuse');
    try {
      await g.store().append('order-x', [counted(), counted()], { expectedVersion: 'no_stream', context });
      const c = await g.admin.connect();
      try {
        await c.query(`set search_path = "${g.db.schema}"`);
        await c.query('set session_replication_role = replica');
        await c.query(`
          create temp table moved on commit drop as select * from events;
          delete from events;
          update moved set position = 100 - position, transaction_id = (transaction_id::text::numeric + ${AHEAD})::text::xid8;
          insert into events overriding system value select * from moved;`);
      } finally {
        await c.query('reset session_replication_role');
        await c.query('reset search_path');
        c.release();
      }
      await expect(rebaseAfterRestore(g.admin, g.db.schema)).rejects.toThrow(/order-x version 2 has a lower position/);
    } finally {
      await g.close();
    }
  });
});
