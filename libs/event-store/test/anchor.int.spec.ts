import { chainHash, GENESIS_HASH } from '../src/hash-chain';
import { checkAnchor, takeAnchor } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';
import { waitUntil } from '@vanguard/testing';

// Waits here may outlast Jest's 60 s default while another suite's transaction holds the server's
// read horizon (see below): the deadline that fails a test must be the wait's, naming what it waited for.
jest.setTimeout(240_000);

// An anchor covers what committed below the oldest transaction still running anywhere on the
// server: another suite's open transaction holds this suite's appends out for a while (clean-clone
// runs failed so, with `events: 0`), so every anchor here is one that covers all the store holds.
async function anchorOfAll(f: StoreFixture): Promise<Awaited<ReturnType<typeof takeAnchor>>> {
  const { rows } = await f.db.pool.query<{ n: string }>(`select count(*)::text as n from "${f.db.schema}".events`);
  const held = Number(rows[0]!.n);
  return waitUntil(
    `an anchor that covers all ${held} events`,
    async () => {
      const anchor = await takeAnchor(f.db.pool, f.db.schema);
      return anchor.events === held ? anchor : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

describe('store anchors', () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_anchor');
  });
  afterAll(() => f.close());

  it('still match after later appends, and catch a whole stream rewritten consistently, head included', async () => {
    const sut = f.store();
    await sut.append('ledger-a', [counted('test.Counted', 1), counted('test.Counted', 2)], { expectedVersion: 'no_stream', context });
    await sut.append(
      'ledger-b',
      [1, 2, 3].map((n) => counted('test.Counted', n)),
      { expectedVersion: 'no_stream', context },
    );
    const anchor = await anchorOfAll(f);
    expect(anchor).toMatchObject({ schema: f.db.schema, streams: 2, events: 5, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // Appends after the anchor do not change what it covers.
    await sut.append('ledger-a', [counted('test.Counted', 3)], { expectedVersion: 2, context });
    await sut.append('ledger-c', [counted()], { expectedVersion: 'no_stream', context });
    await expect(checkAnchor(f.db.pool, anchor)).resolves.toEqual({ ok: true, streams: 2, events: 5 });

    // The database owner rewrites ledger-b: new data, every hash recomputed, head moved.
    const events = await sut.readStream('ledger-b', {});
    let prev = GENESIS_HASH;
    const admin = await f.admin.connect();
    try {
      await admin.query(`set search_path = "${f.db.schema}"`);
      await admin.query('set session_replication_role = replica');
      for (const e of events) {
        const forged = { ...e, data: { n: (e.data as { n: number }).n * 100 } };
        const { position: _p, transactionId: _t, prevHash: _ph, hash: _h, ...envelope } = forged;
        const hash = chainHash(prev, envelope);
        const { rows } = await admin.query<{ canonical: string }>('select canonical from events where event_id = $1', [e.eventId]);
        const canonical = rows[0]!.canonical.replace(`"data":{"n":${(e.data as { n: number }).n}}`, `"data":{"n":${forged.data.n}}`);
        await admin.query('update events set canonical = $2, prev_hash = $3, hash = $4 where event_id = $1', [
          e.eventId,
          canonical,
          prev,
          hash,
        ]);
        prev = hash;
      }
      await admin.query(`update streams set last_hash = $1 where stream_id = 'ledger-b'`, [prev]);
    } finally {
      await admin.query('reset session_replication_role');
      await admin.query('reset search_path');
      admin.release();
    }
    expect((await sut.readStream('ledger-b')).map((e) => e.data)).toEqual([{ n: 100 }, { n: 200 }, { n: 300 }]);
    // The chain alone cannot tell: the rewrite is consistent.
    await expect(sut.verify()).resolves.toMatchObject({ ok: true });
    // The anchor kept outside can.
    await expect(checkAnchor(f.db.pool, anchor)).resolves.toMatchObject({ ok: false, streams: 2, events: 5, expected: anchor.digest });
  });

  it('catch an event moved in the global order, which no chain and no per-stream check can see', async () => {
    const sut = f.store();
    const a = await sut.append('moved-a', [counted()], { expectedVersion: 'no_stream', context });
    await sut.append('moved-b', [counted()], { expectedVersion: 'no_stream', context });
    const anchor = await anchorOfAll(f);
    expect(anchor.events).toBeGreaterThanOrEqual(2);
    expect(anchor.order).toMatch(/^[0-9a-f]{64}$/);
    await expect(checkAnchor(f.db.pool, anchor)).resolves.toMatchObject({ ok: true });

    // moved-b now reads before moved-a: a subscription past moved-a would never get it.
    const admin = await f.admin.connect();
    try {
      await admin.query('set session_replication_role = replica');
      await admin.query(`update "${f.db.schema}".events set transaction_id = $1::xid8 where stream_id = 'moved-b'`, [
        (BigInt(a.transactionId) - 1n).toString(),
      ]);
    } finally {
      await admin.query('reset session_replication_role');
      admin.release();
    }
    await expect(sut.verify({ stream: 'moved-b' })).resolves.toMatchObject({ ok: true });
    await expect(checkAnchor(f.db.pool, anchor)).resolves.toMatchObject({ ok: false, differs: 'order', expected: anchor.order });
  });

  it('gives the same digest for the same heads, and another for one more stream', async () => {
    const sut = f.store();
    const a = await anchorOfAll(f);
    const b = await anchorOfAll(f);
    expect(b.digest).toBe(a.digest);
    await sut.append('ledger-z', [counted()], { expectedVersion: 'no_stream', context });
    const c = await anchorOfAll(f);
    expect(c.digest).not.toBe(a.digest);
    expect(c.streams).toBe(a.streams + 1);
  });
});
