import { Subscription, type RecordedEvent } from '../src';
import { waitUntil } from '@vanguard/testing';
import { context, storeFixture, type StoreFixture } from './fixtures';

describe(Subscription.name, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_sub');
    await f.store().append(
      'member-1',
      Array.from({ length: 10 }, (_, i) => ({ type: 'test.Step', data: { i } })),
      { expectedVersion: 'no_stream', context },
    );
  });
  afterAll(() => f.close());

  it('resumes after a crash from the last checkpoint: nothing before it again, everything after it', async () => {
    const store = f.store();
    const first: number[] = [];
    const errors: unknown[] = [];
    const crashing = store.subscribe({
      name: 'projector',
      batchSize: 4,
      pollIntervalMs: 10,
      retryDelayMs: 60_000,
      handler: (e: RecordedEvent) => {
        const { i } = e.data as { i: number };
        if (i === 5) throw new Error('projection database went away');
        first.push(i);
      },
      onError: (error) => errors.push(error),
    });
    await waitUntil('the handler to fail', () => errors.length === 1);
    await crashing.stop();
    expect(first).toEqual([0, 1, 2, 3, 4]);

    const second: number[] = [];
    const sut = store.subscribe({
      name: 'projector',
      batchSize: 4,
      pollIntervalMs: 10,
      handler: (e) => void second.push((e.data as { i: number }).i),
    });
    try {
      await waitUntil('the rest to be delivered', () => second.length >= 5);
      await waitUntil('the subscription to catch up', () => sut.readCount >= 3 && second.length === 5);
      expect(second).toEqual([5, 6, 7, 8, 9]);
    } finally {
      await sut.stop();
    }
    const { rows } = await f.db.pool.query<{ position: string }>(
      `select position from subscription_checkpoints where subscription = 'projector'`,
    );
    expect(Number(rows[0]!.position)).toBe((await store.readStream('member-1', { direction: 'backward', maxCount: 1 }))[0]!.position);
  });

  it('stops gracefully: the handler in progress finishes and its progress is checkpointed', async () => {
    const store = f.store();
    const handled: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = store.subscribe({
      name: 'graceful',
      batchSize: 10,
      pollIntervalMs: 10,
      handler: async (e) => {
        const { i } = e.data as { i: number };
        if (i === 2) await gate;
        handled.push(i);
      },
    });
    await waitUntil('the handler to reach event 2', () => handled.length === 2);
    const stopped = sut.stop();
    release();
    await stopped;
    expect(handled).toEqual([0, 1, 2]);

    const resumed: number[] = [];
    const next = store.subscribe({ name: 'graceful', pollIntervalMs: 10, handler: (e) => void resumed.push((e.data as { i: number }).i) });
    try {
      await waitUntil('the remaining events', () => resumed.length === 7);
      expect(resumed).toEqual([3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await next.stop();
    }
  });

  it('delivers events appended after it caught up', async () => {
    const store = f.store();
    const got: string[] = [];
    const sut = store.subscribe({ name: 'live', pollIntervalMs: 10, handler: (e) => void got.push(e.streamId) });
    try {
      await waitUntil('catch-up', () => got.length === 10);
      await store.append('member-2', [{ type: 'test.Step', data: { i: 0 } }], { expectedVersion: 'no_stream', context });
      await waitUntil('the live event', () => got.length === 11);
      expect(got[10]).toBe('member-2');
    } finally {
      await sut.stop();
    }
  });
  it('hands a batch handler whole pages; a failed page is checkpointed not at all and comes again whole', async () => {
    const store = f.store();
    const pages: number[][] = [];
    const errors: unknown[] = [];
    let failOnce = true;
    const sut = store.subscribe({
      name: 'paged',
      batchSize: 4,
      pollIntervalMs: 10,
      retryDelayMs: 10,
      batchHandler: (events) => {
        const page = events.filter((e) => e.streamId === 'member-1').map((e) => (e.data as { i: number }).i);
        if (page.includes(5) && failOnce) {
          failOnce = false;
          return Promise.reject(new Error('read model went away'));
        }
        pages.push(page);
        return Promise.resolve();
      },
      onError: (error) => errors.push(error),
    });
    try {
      await waitUntil('all ten events', () => pages.flat().length >= 10);
      expect(errors).toHaveLength(1);
      // The failed page (4–7) came again from its first event: nothing of it was checkpointed.
      expect(pages).toEqual([
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
      ]);
    } finally {
      await sut.stop();
    }
    const { rows } = await f.db.pool.query<{ position: string }>(
      `select position from subscription_checkpoints where subscription = 'paged'`,
    );
    const head = (await store.readStream('member-1', { direction: 'backward', maxCount: 1 }))[0]!.position;
    expect(Number(rows[0]!.position)).toBeGreaterThanOrEqual(head);
  });

  it('takes a handler or a batch handler, not both and not neither', () => {
    const store = f.store();
    expect(() => store.subscribe({ name: 'neither' })).toThrow(/handler or a batchHandler/);
    expect(() => store.subscribe({ name: 'both', handler: () => undefined, batchHandler: () => Promise.resolve() })).toThrow(
      /handler or a batchHandler/,
    );
  });
});
