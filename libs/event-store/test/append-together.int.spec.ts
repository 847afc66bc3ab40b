import { ConcurrencyError, DeciderStreams, ConcurrentChangeError } from '../src';
import { context, counted, storeFixture, type StoreFixture } from './fixtures';

// Several streams in one append: all land or none does, and racing appends over the same
// streams (in any order) neither deadlock nor both win.
describe('appendTogether', () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_append_together');
  });
  afterAll(() => f.close());

  it('commits every stream when every expected version holds', async () => {
    const store = f.store();
    await store.append('place-a1', [counted()], { expectedVersion: 'no_stream', context });
    const [a, b] = await store.appendTogether([
      { streamId: 'place-a1', events: [counted('test.Counted', 2)], options: { expectedVersion: 1, context } },
      { streamId: 'claim-b1', events: [counted(), counted()], options: { expectedVersion: 'no_stream', context } },
    ]);
    expect([a!.nextExpectedVersion, b!.nextExpectedVersion]).toEqual([2, 2]);
    expect(await store.streamVersion('claim-b1')).toBe(2);
    expect((await store.verify()).ok).toBe(true);
  });

  it('commits nothing when one stream moved, and names that stream', async () => {
    const store = f.store();
    await store.append('place-a2', [counted(), counted()], { expectedVersion: 'no_stream', context });
    const refused = store.appendTogether([
      { streamId: 'claim-b2', events: [counted()], options: { expectedVersion: 'no_stream', context } },
      { streamId: 'place-a2', events: [counted()], options: { expectedVersion: 1, context } },
    ]);
    await expect(refused).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(refused).rejects.toMatchObject({ streamId: 'place-a2' });
    expect(await store.streamVersion('claim-b2')).toBe(0);
    expect(await store.streamVersion('place-a2')).toBe(2);
  });

  it('lets exactly one of many racing appends over the same streams win, whatever order they name them in', async () => {
    const streams = new DeciderStreams(f.store());
    const ctx = { actor: context.actor, orgId: context.orgId, correlationId: context.correlationId };
    const racers = Array.from({ length: 12 }, (_, i) =>
      streams.appendAll(
        (i % 2 ? ['place-a3', 'claim-b3'] : ['claim-b3', 'place-a3']).map((streamId) => ({
          streamId,
          events: [counted('test.Counted', i)],
          expectedVersion: 0,
          context: ctx,
        })),
      ),
    );
    const settled = await Promise.allSettled(racers);
    const won = settled.filter((s) => s.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(ConcurrentChangeError);
    const store = f.store();
    const [a, b] = [await store.readStream('place-a3'), await store.readStream('claim-b3')];
    expect([a.length, b.length]).toEqual([1, 1]);
    expect(a[0]!.data).toEqual(b[0]!.data);
  });
});
