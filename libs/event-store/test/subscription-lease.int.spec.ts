import { Subscription, type RecordedEvent } from '../src';
import { waitUntil } from '@vanguard/testing';
import { context, storeFixture, type StoreFixture } from './fixtures';

describe(`${Subscription.name} lease`, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_lease');
  });
  afterAll(() => f.close());

  const indexOf = (e: RecordedEvent) => (e.data as { i: number }).i;
  const appendSteps = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      await f.store().append(`step-${i}`, [{ type: 'test.Step', data: { i } }], { expectedVersion: 'no_stream', context });
    }
  };
  const storedPosition = async (name: string) => {
    const { rows } = await f.db.pool.query<{ position: string }>('select position from subscription_checkpoints where subscription = $1', [
      name,
    ]);
    return rows[0] ? Number(rows[0].position) : 0;
  };
  const headPosition = async () => Number((await f.db.pool.query<{ p: string }>('select max(position) as p from events')).rows[0]!.p);

  it('lets one instance of a name deliver, and a standby take over from the checkpoint when it stops', async () => {
    const store = f.store();
    const first: number[] = [];
    const second: number[] = [];
    const owner = store.subscribe({ name: 'single', pollIntervalMs: 50, handler: (e) => void first.push(indexOf(e)) });
    await waitUntil('the first instance to own the lease', () => owner.isOwner);
    const standby = store.subscribe({ name: 'single', pollIntervalMs: 50, handler: (e) => void second.push(indexOf(e)) });
    try {
      for (let i = 0; i < 10; i++) {
        await appendSteps(i, i + 1);
        await waitUntil(`event ${i} at the owner`, () => first.length === i + 1);
      }
      const head = await headPosition();
      await waitUntil('the owner to checkpoint everything', async () => (await storedPosition('single')) === head);
      expect(second).toEqual([]);
      expect(standby.isOwner).toBe(false);
      expect(standby.readCount).toBe(0);

      await owner.stop();
      await waitUntil('the standby to take over', () => standby.isOwner);
      await appendSteps(10, 15);
      await waitUntil('the events after the takeover', () => second.length >= 5);
      await waitUntil('the new owner to catch up', async () => (await storedPosition('single')) === (await headPosition()));
      expect(first).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(second).toEqual([10, 11, 12, 13, 14]);
    } finally {
      await owner.stop();
      await standby.stop();
    }
  });

  it('hands the lease to a standby when the owner’s lock connection is cut', async () => {
    const store = f.store();
    const first: number[] = [];
    const second: number[] = [];
    // After losing its lease an instance waits a poll before competing again; a long one here
    // makes the standby (polling every 50 ms) the one that takes over.
    const owner = store.subscribe({ name: 'cut', pollIntervalMs: 60_000, handler: (e) => void first.push(indexOf(e)) });
    await waitUntil('the first instance to own the lease and catch up', () => owner.isOwner && first.length === 15);
    const standby = store.subscribe({ name: 'cut', pollIntervalMs: 50, handler: (e) => void second.push(indexOf(e)) });
    try {
      const head = await headPosition();
      await waitUntil('the owner to checkpoint everything', async () => (await storedPosition('cut')) === head);
      const { rows } = await f.admin.query<{ pid: number }>(
        `select a.pid, pg_terminate_backend(a.pid)
           from pg_stat_activity a join pg_locks l on l.pid = a.pid and l.locktype = 'advisory' and l.granted
          where a.application_name = $1 and a.datname = current_database()`,
        [`lease ${f.db.schema}.cut`],
      );
      expect(rows).toHaveLength(1);

      await waitUntil('the standby to take over', () => standby.isOwner && !owner.isOwner);
      await appendSteps(15, 18);
      await waitUntil('the events after the takeover', () => second.length >= 3);
      await waitUntil('the new owner to catch up', async () => (await storedPosition('cut')) === (await headPosition()));
      expect(first).toEqual(Array.from({ length: 15 }, (_, i) => i));
      expect(second).toEqual([15, 16, 17]);
    } finally {
      await owner.stop();
      await standby.stop();
    }
  });
});
