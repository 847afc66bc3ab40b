import { PostgresEventStore, type Fold, type RecordedEvent } from '../src';
import { waitUntil } from '@vanguard/testing';
import { context, ManualClock, storeFixture, type StoreFixture } from './fixtures';

interface Tally {
  total: number;
  steps: number;
}

function tallyFold(): Fold<Tally> & { calls: number } {
  const fold = {
    calls: 0,
    initialState: (): Tally => ({ total: 0, steps: 0 }),
    evolve(state: Tally, e: RecordedEvent): Tally {
      fold.calls++;
      const { amount } = e.data as { amount: number };
      return { total: state.total + amount, steps: state.steps + 1 };
    },
  };
  return fold;
}

describe(`${PostgresEventStore.name} folds`, () => {
  let f: StoreFixture;
  const clock = new ManualClock(new Date('2024-03-01T00:00:00.000Z'));
  beforeAll(async () => {
    f = await storeFixture('es_folds');
    const store = f.store({ clock });
    for (let i = 1; i <= 10; i++) {
      await store.append('score-1', [{ type: 'test.Scored', data: { amount: i } }], { expectedVersion: i - 1, context });
      clock.advance(24 * 3600 * 1000); // one event a day
    }
  });
  afterAll(() => f.close());

  it('folds a stream as of an instant: events recorded at or before it', async () => {
    const sut = f.store();
    await expect(sut.asOf('score-1', tallyFold(), { recordedAt: '2024-03-03T00:00:00.000Z' })).resolves.toEqual({
      state: { total: 6, steps: 3 },
      version: 3,
    });
    await expect(sut.asOf('score-1', tallyFold(), { recordedAt: new Date('2024-03-03T23:59:59.999Z') })).resolves.toEqual({
      state: { total: 6, steps: 3 },
      version: 3,
    });
    await expect(sut.asOf('score-1', tallyFold(), { recordedAt: '2024-02-01T00:00:00.000Z' })).resolves.toEqual({
      state: { total: 0, steps: 0 },
      version: 0,
    });
  });

  it('folds a stream as of a version', async () => {
    await expect(f.store().asOf('score-1', tallyFold(), { version: 4 })).resolves.toEqual({ state: { total: 10, steps: 4 }, version: 4 });
  });

  it('starts from a snapshot of the same fold version and refreshes it, ignoring snapshots of another fold version', async () => {
    const sut = f.store();
    const policy = { foldVersion: 'tally-v1', every: 3 };
    const first = tallyFold();
    await expect(sut.aggregateStream('score-1', first, { snapshot: policy })).resolves.toEqual({
      state: { total: 55, steps: 10 },
      version: 10,
    });
    expect(first.calls).toBe(10);

    const second = tallyFold();
    await expect(sut.aggregateStream('score-1', second, { snapshot: policy })).resolves.toEqual({
      state: { total: 55, steps: 10 },
      version: 10,
    });
    expect(second.calls).toBe(0); // entirely from the snapshot

    await sut.append('score-1', [{ type: 'test.Scored', data: { amount: 100 } }], { expectedVersion: 10, context });
    const third = tallyFold();
    await expect(sut.aggregateStream('score-1', third, { snapshot: policy })).resolves.toEqual({
      state: { total: 155, steps: 11 },
      version: 11,
    });
    expect(third.calls).toBe(1);

    const changedFold = tallyFold();
    await sut.aggregateStream('score-1', changedFold, { snapshot: { foldVersion: 'tally-v2', every: 3 } });
    expect(changedFold.calls).toBe(11);
  });

  it('does not trust a clear snapshot rewritten in the database: folds from the events and drops the row', async () => {
    // Plain numbers, no personal value: the state is kept in clear, with a MAC only the store's key makes.
    const sut = f.store();
    await sut.append(
      'score-tamper',
      [1, 2, 3].map((amount) => ({ type: 'test.Scored', data: { amount } })),
      {
        expectedVersion: 'no_stream',
        context,
      },
    );
    const policy = { foldVersion: 'tally-tamper-v1', every: 3 };
    await sut.aggregateStream('score-tamper', tallyFold(), { snapshot: policy });
    const kept = tallyFold();
    await expect(sut.aggregateStream('score-tamper', kept, { snapshot: policy })).resolves.toEqual({
      state: { total: 6, steps: 3 },
      version: 3,
    });
    expect(kept.calls).toBe(0);
    // Someone holding the database, not the key: a plausible total, the MAC left as it was.
    const rewritten = await f.db.pool.query(
      `update snapshots set state = jsonb_set(state, '{text}', to_jsonb(replace(state->>'text', '"total":6', '"total":600')))
        where stream_id = 'score-tamper' and state->>'text' like '%"total":6%'`,
    );
    expect(rewritten.rowCount).toBe(1);
    const afterTamper = tallyFold();
    await expect(sut.aggregateStream('score-tamper', afterTamper, { snapshot: policy })).resolves.toEqual({
      state: { total: 6, steps: 3 },
      version: 3,
    });
    expect(afterTamper.calls).toBe(3);
    const { rows } = await f.db.pool.query<{ text: string }>(
      `select state->>'text' as text from snapshots where stream_id = 'score-tamper'`,
    );
    expect(rows.map((r) => r.text).join()).not.toContain('600');
  });

  it('does not use a snapshot that covers events after the as-of point', async () => {
    const sut = f.store();
    const fold = tallyFold();
    await expect(sut.asOf('score-1', fold, { version: 2 }, { snapshot: { foldVersion: 'tally-v1', every: 3 } })).resolves.toEqual({
      state: { total: 3, steps: 2 },
      version: 2,
    });
    expect(fold.calls).toBe(2);
    const byTime = tallyFold();
    await expect(
      sut.asOf('score-1', byTime, { recordedAt: '2024-03-05T00:00:00.000Z' }, { snapshot: { foldVersion: 'tally-v1', every: 3 } }),
    ).resolves.toEqual({ state: { total: 15, steps: 5 }, version: 5 });
    expect(byTime.calls).toBe(5);
    // Not usable for those reads is not damaged: the latest snapshot stays for the reads it serves.
    const latest = tallyFold();
    await sut.aggregateStream('score-1', latest, { snapshot: { foldVersion: 'tally-v1', every: 3 } });
    expect(latest.calls).toBe(1); // the snapshot at 10, then the one event after it (all 11 had it been dropped)
  });

  it('reads old event versions through upcasters, while the stored (hashed) event stays as written', async () => {
    const upcasters = [{ type: 'test.Renamed', fromVersion: 1, upcast: (d: { name: string }) => ({ fullName: d.name.toUpperCase() }) }];
    const legacy = f.store();
    await legacy.append('person-1', [{ type: 'test.Renamed', version: 1, data: { name: 'li si' } }], {
      expectedVersion: 'no_stream',
      context,
    });
    const sut = f.store({ upcasters });
    const [read] = await sut.readStream('person-1');
    expect(read).toMatchObject({ type: 'test.Renamed', version: 2, data: { fullName: 'LI SI' } });
    // "All" readers see an event once every older transaction in the cluster has finished.
    const raw = await waitUntil('the event to be readable in global order', async () => {
      const found: RecordedEvent[] = [];
      for await (const b of sut.readAll({ raw: true })) found.push(...b.events.filter((e) => e.streamId === 'person-1'));
      return found.length > 0 && found;
    });
    expect(raw[0]).toMatchObject({ version: 1, data: { name: 'li si' } });
    const folded = await sut.aggregateStream('person-1', {
      initialState: () => '',
      evolve: (_s: string, e) => (e.data as { fullName: string }).fullName,
    });
    expect(folded.state).toBe('LI SI');
    expect((await sut.verify({ stream: 'person-1' })).ok).toBe(true);
  });

  it('folds a stream longer than a page a page at a time, to the state one read would give', async () => {
    const longClock = new ManualClock(new Date('2024-06-01T00:00:00.000Z'));
    const sut = f.store({ clock: longClock });
    const stream = 'score-long';
    const appendHundreds = async (from: number, to: number) => {
      for (let v = from; v < to; v += 100) {
        const events = Array.from({ length: 100 }, (_, i) => ({ type: 'test.Scored', data: { amount: v + i + 1 } }));
        await sut.append(stream, events, { expectedVersion: v, context });
        longClock.advance(3600 * 1000); // one hundred events an hour
      }
    };
    const tally = (n: number) => ({ state: { total: (n * (n + 1)) / 2, steps: n }, version: n });
    // In order, each event once: the total of 1..n only comes out of exactly those.
    const inOrder = (): Fold<Tally> => ({
      ...tallyFold(),
      evolve: (t, e) => {
        expect(e.streamVersion).toBe(t.steps + 1);
        return { total: t.total + (e.data as { amount: number }).amount, steps: t.steps + 1 };
      },
    });
    const policy = { snapshot: { foldVersion: 'long-v1', every: 500 } };
    await appendHundreds(0, 900);
    await expect(sut.aggregateStream(stream, inOrder(), policy)).resolves.toEqual(tally(900)); // kept as a snapshot at 900
    await appendHundreds(900, 2500);

    const reads = jest.spyOn(f.db.pool, 'query');
    try {
      await expect(sut.aggregateStream(stream, inOrder())).resolves.toEqual(tally(2500));
      await expect(sut.aggregateStream(stream, inOrder(), policy)).resolves.toEqual(tally(2500)); // from 900, across two pages
      for (const version of [999, 1000, 1001, 2000])
        await expect(sut.asOf(stream, inOrder(), { version })).resolves.toEqual(tally(version));
      // The 13th hundred was recorded at 12:00.
      await expect(sut.asOf(stream, inOrder(), { recordedAt: '2024-06-01T12:30:00.000Z' })).resolves.toEqual(tally(1300));
      const results = await Promise.all(reads.mock.results.map((r) => r.value as Promise<{ rows: unknown[] }>));
      expect(Math.max(...results.map((r) => r.rows.length))).toBeLessThanOrEqual(1000);
    } finally {
      reads.mockRestore();
    }
  });
});
