import { randomUUID } from 'node:crypto';
import { placesDecider, placesStreamId, type PlacesState } from '@vanguard/commendation-domain';
import { migrate, PostgresEventStore, type RecordedEvent } from '@vanguard/event-store';
import { createTestSchema, seededRandom, type TestSchema } from '@vanguard/testing';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';

// A unit's places stream grows with every nomination, so the handlers load it from a snapshot.
// Checked against an independent fold: the store's own, of every event from the first, with no
// snapshot — after every append of a random run of grants and releases across the snapshot marks.

const CATEGORIES = ['outstanding_member', 'advanced_organization'] as const;
const LEVELS = ['nominator', 'township', 'county'] as const;
const context = { actor: { sub: 'county.organizer', roles: ['organizer'] }, orgId: randomUUID(), correlationId: 'places-snapshots' };

describe('places streams loaded from snapshots', () => {
  let db: TestSchema;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestSchema('places_snapshots');
    await migrate(db.pool, { schema: db.schema });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
  });
  afterAll(() => db?.drop());

  const seed = Number(process.env['COMMENDATION_SNAPSHOT_SEED'] ?? Date.now() % 1_000_000);
  it(`equal the whole stream folded from its first event at every version, and keep a snapshot (seed ${seed})`, async () => {
    const random = seededRandom(seed);
    const streams = new PostgresStreamsAdapter(store);
    const streamId = placesStreamId(randomUUID(), randomUUID());
    const fold = {
      initialState: placesDecider.initialState,
      evolve: (s: PlacesState, e: RecordedEvent) => placesDecider.evolve(s, e as never),
    };
    const nominations = Array.from({ length: 40 }, () => randomUUID());
    for (let i = 0; i < 330; i++) {
      const { state, version } = await streams.load(streamId, placesDecider);
      const whole = await store.aggregateStream(streamId, fold);
      expect({ state, version }).toEqual(whole);
      const nominationId = nominations[Math.floor(random() * nominations.length)]!;
      const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
      const event =
        random() < 0.7
          ? { type: 'commendation.PlaceGranted', data: { category, level: LEVELS[Math.floor(random() * 3)]!, nominationId } }
          : { type: 'commendation.PlacesReleased', data: { category, levels: [...LEVELS], nominationId } };
      await streams.append(streamId, [event], version, context);
    }
    // The handlers' load reads only what came after the last snapshot: the fold starts at 300, not 0.
    const reads = jest.spyOn(db.pool, 'query');
    await streams.load(streamId, placesDecider);
    const foldedFrom = reads.mock.calls
      .map(([q]) => q as unknown as { values?: unknown[] })
      .filter((q) => q.values?.[0] === streamId && typeof q.values[1] === 'number')
      .map((q) => q.values![1]);
    reads.mockRestore();
    expect(foldedFrom).toEqual([300]);
    const { rows } = await db.pool.query<{ stream_version: number }>(
      `select stream_version::int as stream_version from snapshots where stream_id = $1 order by stream_version desc limit 1`,
      [streamId],
    );
    // Taken every 100 events folded on top of the last one.
    expect(rows[0]?.stream_version).toBeGreaterThanOrEqual(300);
  }, 120_000);
});
