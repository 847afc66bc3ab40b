import { storeChannel, Subscription, type GlobalCheckpoint, type RecordedEvent } from '../src';
import { waitUntil } from '@vanguard/testing';
import { context, storeFixture, type StoreFixture } from './fixtures';

// Waits here may outlast Jest's 60 s default while another suite's transaction holds the server's
// read horizon (see below): the deadline that fails a test must be the wait's, naming what it waited for.
jest.setTimeout(240_000);

/** Far longer than any wait below: an event that arrives in time was not found by the poll. */
const FALLBACK_MS = 60_000;
/**
 * Well under the fallback poll, so only a wake-up delivers in time. Not ten seconds: what a
 * subscription may read is bounded by the oldest transaction open anywhere on the server, and
 * another suite's can hold an append back for longer (a clean-clone run failed so).
 */
const PROMPTLY = { timeoutMs: FALLBACK_MS * 0.75 };

describe(`${Subscription.name} wake-ups`, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_wake');
  });
  afterAll(() => f.close());

  const step = (i: number) => [{ type: 'test.Step', data: { i } }];
  const indexOf = (e: RecordedEvent) => (e.data as { i: number }).i;
  const stored = async () => Number((await f.db.pool.query<{ n: string }>('select count(*) as n from events')).rows[0]!.n);

  it('delivers each append at once when caught up, without waiting for the poll', async () => {
    const store = f.store();
    const got: number[] = [];
    const sut = store.subscribe({ name: 'woken', pollIntervalMs: FALLBACK_MS, handler: (e) => void got.push(indexOf(e)) });
    try {
      await waitUntil('the subscription to own its lease and listen', () => sut.isOwner && sut.listening && sut.readCount >= 1);
      // One after the other: from the second append on, the subscription is asleep in its
      // fallback poll when the event commits, so only the notification can wake it.
      for (let i = 0; i < 3; i++) {
        await store.append(`woken-${i}`, step(i), { expectedVersion: 'no_stream', context });
        await waitUntil(`append ${i} to be delivered`, () => got.length === i + 1, PROMPTLY);
      }
      expect(got).toEqual([0, 1, 2]);
    } finally {
      await sut.stop();
    }
  });

  it('delivers an event appended inside a caller transaction only once it commits', async () => {
    const store = f.store();
    const got: string[] = [];
    const sut = store.subscribe({ name: 'in-tx', pollIntervalMs: FALLBACK_MS, handler: (e) => void got.push(e.streamId) });
    const existing = await stored();
    const client = await f.db.pool.connect();
    try {
      await waitUntil('the subscription to catch up', () => sut.listening && got.length === existing);
      await client.query('begin');
      await store.append('in-tx-1', step(10), { expectedVersion: 'no_stream', context, client });
      await store.append('in-tx-2', step(11), { expectedVersion: 'no_stream', context, client });
      await client.query('commit');
      await waitUntil('both events of the transaction', () => got.length === existing + 2, PROMPTLY);
      expect(got.slice(existing)).toEqual(['in-tx-1', 'in-tx-2']);
    } finally {
      client.release();
      await sut.stop();
    }
  });

  it('reads again soon when an append committed behind an open transaction, which sends no notification when it ends', async () => {
    const store = f.store();
    const existing = await stored();
    const got: string[] = [];
    const sut = store.subscribe({ name: 'held-back', pollIntervalMs: FALLBACK_MS, handler: (e) => void got.push(e.streamId) });
    const blocker = await f.admin.connect();
    try {
      await waitUntil('the subscription to catch up', () => sut.listening && got.length === existing);
      await blocker.query('begin');
      await blocker.query('select pg_current_xact_id()'); // an xid older than the append's
      const reads = sut.readCount;
      await store.append('behind-open-tx', step(30), { expectedVersion: 'no_stream', context });
      // The notification's read finds nothing readable yet; it must keep looking, not sleep a minute.
      await waitUntil('the subscription to look again', () => sut.readCount >= reads + 2, PROMPTLY);
      expect(got).toHaveLength(existing);
      await blocker.query('commit');
      // Only the subscription's own looking again can deliver it within PROMPTLY.
      await waitUntil('the event, once nothing older is open', () => got.length === existing + 1, PROMPTLY);
      expect(got[existing]).toBe('behind-open-tx');
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      blocker.release();
      await sut.stop();
    }
  });

  it('keeps looking about once a second while events stay held back, not at its fallback poll', async () => {
    // A page source whose events stay behind someone else's open transaction for as long as it likes.
    let reads = 0;
    const heldBack = {
      readAllPage: (after: GlobalCheckpoint) => {
        reads++;
        return Promise.resolve({ events: [], checkpoint: after, heldBack: true });
      },
    };
    const sut = new Subscription(heldBack, f.db.pool, f.db.schema, {
      name: 'held-back',
      pollIntervalMs: 180_000,
      handler: () => undefined,
    });
    sut.start();
    try {
      // 5 ms doubling to a second reaches the 16th read after about 9 s; doubling on towards the
      // poll (as it once did) would need about 160 s.
      await waitUntil('sixteen reads of the held-back page', () => reads >= 16, { timeoutMs: 60_000 });
    } finally {
      await sut.stop();
    }
  });

  it('reads once when its listener reconnects, so an append made while it was down is not lost', async () => {
    const store = f.store();
    const existing = await stored();
    const got: string[] = [];
    const errors: { code?: string }[] = [];
    const sut = store.subscribe({
      name: 'reconnecting',
      pollIntervalMs: FALLBACK_MS,
      // Long enough that the append below commits while nobody listens.
      listenerBackoff: { initialMs: 1_500, maxMs: 1_500 },
      handler: (e) => void got.push(e.streamId),
      onError: (e) => void errors.push(e as { code?: string }),
    });
    try {
      await waitUntil('the subscription to catch up while listening', () => sut.listening && got.length === existing);
      const { rows } = await f.admin.query<{ pid: number }>(
        `select pid, pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()`,
        [`listen ${storeChannel(f.db.schema)}`],
      );
      expect(rows).toHaveLength(1);
      await waitUntil('the listener to notice', () => !sut.listening);
      await store.append('while-deaf', step(20), { expectedVersion: 'no_stream', context });

      await waitUntil('the event appended while the listener was down', () => got.length === existing + 1, PROMPTLY);
      expect(got[existing]).toBe('while-deaf');
      expect(sut.listening).toBe(true);
      expect(errors.map((e) => e.code)).toContain('57P01'); // admin_shutdown: the terminated listener
    } finally {
      await sut.stop();
    }
  });
});
