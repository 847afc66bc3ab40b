import { PostgresEventStore, START, type GlobalCheckpoint, type RecordedEvent } from '../src';
import { waitUntil } from '@vanguard/testing';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

async function readAllEvents(store: PostgresEventStore, batchSize = 2): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const batch of store.readAll({ batchSize })) out.push(...batch.events);
  return out;
}

describe(`${PostgresEventStore.name} global order`, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_order');
  });
  afterAll(() => f.close());

  it('never delivers past a transaction still open, then delivers both in one consistent order, none skipped', async () => {
    const sut = f.store();
    const before = await sut.append('order-0', [counted('test.Counted', 0)], { expectedVersion: 'no_stream', context });

    const received: RecordedEvent[] = [];
    const subscription = sut.subscribe({ name: 'late-commit', handler: (e) => void received.push(e), pollIntervalMs: 10, batchSize: 1 });
    await waitUntil('the subscription to see the committed event', () => received.length === 1);

    const held = await f.db.pool.connect();
    try {
      await held.query('begin');
      const early = await sut.append('order-early', [counted('test.Counted', 1)], { expectedVersion: 'no_stream', context, client: held });
      const late = await sut.append('order-late', [counted('test.Counted', 2)], { expectedVersion: 'no_stream', context });
      // The late append committed with a higher position while the early one is still open.
      expect(late.positions[0]).toBeGreaterThan(early.positions[0]!);

      const readsAtCommit = subscription.readCount;
      await waitUntil('the subscription to look three more times', () => subscription.readCount >= readsAtCommit + 3);
      expect(received.map((e) => e.position)).toEqual([before.positions[0]]);
      expect((await readAllEvents(sut)).map((e) => e.position)).toEqual([before.positions[0]]);

      await held.query('commit');
      await waitUntil('both events to arrive', () => received.length === 3);
      const expected = [before.positions[0], early.positions[0], late.positions[0]];
      expect(received.map((e) => e.position)).toEqual(expected);
      expect((await readAllEvents(sut)).map((e) => e.position)).toEqual(expected);
      expect((await readAllEvents(sut, 1000)).map((e) => e.position)).toEqual(expected);
    } finally {
      held.release();
      await subscription.stop();
    }
  });

  // The held-back check runs after the empty page, in a snapshot of its own: an older transaction
  // that ends in between moves the horizon past the event, and its end sends no notification.
  it('WhenTheOlderTransactionEndsBetweenAnEmptyPageAndItsHeldBackCheck_StillSaysLookAgain', async () => {
    const plain = f.store();
    let at: GlobalCheckpoint = START;
    for await (const batch of plain.readAll({ batchSize: 1000 })) at = batch.checkpoint;
    const blocker = await f.db.pool.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select pg_current_xact_id()'); // an xid older than the append's
      const late = await plain.append('race-late', [counted('test.Counted', 3)], { expectedVersion: 'no_stream', context });
      // The window between the two statements, held open: the older transaction commits in it.
      const racing = new Proxy(f.db.pool, {
        get(pool, prop) {
          if (prop === 'query')
            return async (q: { text?: string }, values?: unknown[]) => {
              if (q.text?.includes('held_back')) await blocker.query('commit');
              return pool.query(q as never, values);
            };
          const v: unknown = Reflect.get(pool, prop, pool);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(pool) : v;
        },
      });
      const page = await new PostgresEventStore(racing, { schema: f.db.schema }).readAllPage(at, 100);
      expect(page.events).toEqual([]);
      expect(page.heldBack).toBe(true);
      const next = await waitUntil('the late event to be readable', async () => {
        const p = await plain.readAllPage(at, 100);
        return p.events.length > 0 && p;
      });
      expect(next.events.map((e) => e.position)).toEqual(late.positions);
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      blocker.release();
    }
  });

  it('resumes reading all from a checkpoint without repeating or skipping', async () => {
    const sut = f.store();
    const appended: number[] = [];
    for (let i = 0; i < 7; i++)
      appended.push(...(await sut.append(`page-${i}`, [counted('test.Paged', i)], { expectedVersion: 'no_stream', context })).positions);
    const all = await waitUntil('the appended events to be readable in global order', async () => {
      const events = await readAllEvents(sut, 1000);
      return appended.every((p) => events.some((e) => e.position === p)) && events;
    });
    const firstBatches: RecordedEvent[] = [];
    let checkpoint;
    for await (const batch of sut.readAll({ batchSize: 3 })) {
      firstBatches.push(...batch.events);
      checkpoint = batch.checkpoint;
      if (firstBatches.length >= 6) break;
    }
    const rest = await (async () => {
      const out: RecordedEvent[] = [];
      for await (const b of sut.readAll({ after: checkpoint, batchSize: 4 })) out.push(...b.events);
      return out;
    })();
    expect([...firstBatches, ...rest].map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
  });

  it('keeps every event exactly once while 8 writers append concurrently', async () => {
    const sut = f.store();
    const seen = new Map<string, number>();
    const subscription = sut.subscribe({
      name: 'concurrent',
      handler: (e) => void seen.set(e.eventId, (seen.get(e.eventId) ?? 0) + 1),
      pollIntervalMs: 5,
      batchSize: 50,
    });
    const written: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          const id = `${w.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
          await sut.append(`w${w}-s${i % 3}`, [{ type: 'test.Concurrent', data: { w, i }, eventId: id }], {
            expectedVersion: 'any',
            context,
          });
          written.push(id);
        }
      }),
    );
    try {
      await waitUntil('all concurrent events to be delivered', () => written.every((id) => seen.has(id)));
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await subscription.stop();
    }
  });
});
