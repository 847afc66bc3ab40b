import { randomUUID } from 'node:crypto';
import { seededRandom, waitUntil } from '@vanguard/testing';
import { ProjectionHub, rebuildProjections, type PostgresEventStore, type Queryable, type ReadModelDefinition } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

/** A read model with a `date` column: a day Postgres has no such date for is refused (22008) with the whole page. */
const dated: ReadModelDefinition = {
  name: 'test.dated',
  tables: ['dated'],
  create: (db: Queryable, t) => ({
    apply: () => Promise.reject(new Error('pages only')),
    applyBatch: async (page) =>
      void (await db.query(`insert into "${t('dated')}" select * from unnest($1::uuid[], $2::date[]) on conflict do nothing`, [
        page.map((e) => e.eventId),
        page.map((e) => (e.data as { day: string }).day),
      ])),
  }),
};

/** Stores every event whatever its day: it must not be held back by the other's refusal. */
const seen: ReadModelDefinition = {
  name: 'test.seen',
  tables: ['seen'],
  create: (db: Queryable, t) => ({
    apply: async (e) => void (await db.query(`insert into "${t('seen')}" (event_id) values ($1) on conflict do nothing`, [e.eventId])),
  }),
};

const impossibleDays = ['2011-02-30', '2026-13-01', '2026-04-31'];

describe('ProjectionHub parks an event a read model cannot store (ADR 0090)', () => {
  let f: StoreFixture;
  const count = async (table: string) => Number((await f.db.pool.query<{ n: string }>(`select count(*) as n from "${table}"`)).rows[0]!.n);
  const parkedIds = async () =>
    (
      await f.db.pool.query<{ projection: string; event_id: string; code: string }>(
        `select projection, event_id, code from projection_parked_events`,
      )
    ).rows;

  beforeAll(async () => {
    f = await storeFixture('es_parking');
    await f.db.pool.query(`create table dated (event_id uuid primary key, day date not null)`);
    await f.db.pool.query(`create table seen (event_id uuid primary key)`);
  });
  afterAll(() => f?.close());

  it('keeps every read model going past randomly placed unstorable events, parks exactly those for the one that refused them, and the rebuild does the same', async () => {
    const random = seededRandom(90);
    const store = f.store();
    const alarms: string[] = [];
    const hub = ProjectionHub.of(store, {
      subscription: 'test.parking',
      definitions: [dated, seen],
      onParked: (p, e) => alarms.push(`${p} ${e.eventId}`),
    });
    hub.register(
      'test.dated',
      dated.create(f.db.pool, (t) => t),
    );
    hub.register(
      'test.seen',
      seen.create(f.db.pool, (t) => t),
    );
    await hub.start();
    const bad = new Set<string>();
    let all = 0;
    const append = async (store: PostgresEventStore) => {
      // Several events per append, several appends: the poison lands in pages of different shapes.
      const events = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const eventId = randomUUID();
        const poison = random() < 0.15;
        if (poison) bad.add(eventId);
        return { type: 'test.Dated', eventId, data: { day: poison ? impossibleDays[Math.floor(random() * 3)]! : '2026-11-29' } };
      });
      all += events.length;
      await store.append(`pledge-${randomUUID()}`, events, { expectedVersion: 'no_stream', context });
    };
    try {
      for (let i = 0; i < 40; i++) await append(store);
      expect(bad.size).toBeGreaterThan(3);
      await waitUntil(
        'both read models to pass every event, the refused ones parked',
        async () => (await count('seen')) === all && (await count('dated')) === all - bad.size,
      );
    } finally {
      await hub.stop();
    }
    const parked = await parkedIds();
    expect(parked.map((r) => r.event_id).sort()).toEqual([...bad].sort());
    expect(new Set(parked.map((r) => `${r.projection} ${r.code}`))).toEqual(new Set(['test.dated 22008']));
    // Raised once per event, though a page may come again.
    expect(alarms.sort()).toEqual([...bad].map((id) => `test.dated ${id}`).sort());

    // The rebuild meets the same events: it parks them (already parked: no second alarm) and swaps in a table of the rest.
    const rebuildAlarms: string[] = [];
    const report = await rebuildProjections(f.db.pool, f.store(), [dated], { onParked: (_p, e) => rebuildAlarms.push(e.eventId) });
    expect(report.events).toBe(all);
    expect(await count('dated')).toBe(all - bad.size);
    expect(rebuildAlarms).toEqual([]);
    expect((await parkedIds()).length).toBe(bad.size);
  });

  it('parks what a rebuild meets first, with an alarm, inside its own transaction', async () => {
    await f.db.pool.query(`truncate projection_parked_events`);
    const rebuilt: string[] = [];
    const report = await rebuildProjections(f.db.pool, f.store(), [dated], {
      pageSize: 7,
      onParked: (_p, e) => rebuilt.push(e.eventId),
    });
    expect(await count('dated')).toBe(report.events - (await parkedIds()).length);
    expect(rebuilt.length).toBe((await parkedIds()).length);
    expect(rebuilt.length).toBeGreaterThan(3);
  });

  it('forgets what a rebuild of the fixed read model stores: only what it parks again stays recorded', async () => {
    expect((await parkedIds()).length).toBeGreaterThan(3);
    // The fix: the same projection stores a day it cannot read as no day.
    const fixed: ReadModelDefinition = {
      ...dated,
      create: (db: Queryable, t) => ({
        apply: () => Promise.reject(new Error('pages only')),
        applyBatch: async (page) =>
          void (await db.query(
            `insert into "${t('dated')}" select id, case when day ~ '^\\d{4}-\\d{2}-\\d{2}$' and day not in (${impossibleDays.map((d) => `'${d}'`).join(', ')}) then day::date else '1970-01-01'::date end
               from unnest($1::uuid[], $2::text[]) as x(id, day) on conflict do nothing`,
            [page.map((e) => e.eventId), page.map((e) => (e.data as { day: string }).day)],
          )),
      }),
    };
    const report = await rebuildProjections(f.db.pool, f.store(), [fixed]);
    expect(await count('dated')).toBe(report.events);
    expect(await parkedIds()).toEqual([]);
  });

  it('takes back what a failed rebuild parked: its pages committed their rows, and nothing was swapped in', async () => {
    expect(await parkedIds()).toEqual([]);
    const last = (
      await f.db.pool.query<{ event_id: string }>(`select event_id from events order by transaction_id desc, position desc limit 1`)
    ).rows[0]!.event_id;
    // Fails on the page holding the last event, pages after the poison were parked and committed.
    const failing: ReadModelDefinition = {
      name: 'test.failing',
      tables: ['seen'],
      create: () => ({
        apply: () => Promise.reject(new Error('pages only')),
        applyBatch: (page) => (page.some((e) => e.eventId === last) ? Promise.reject(new Error('a bug, not a value')) : Promise.resolve()),
      }),
    };
    const alarms: string[] = [];
    await expect(
      rebuildProjections(f.db.pool, f.store(), [dated, failing], { pageSize: 7, onParked: (_p, e) => alarms.push(e.eventId) }),
    ).rejects.toThrow(/a bug, not a value/);
    expect(alarms.length).toBeGreaterThan(3);
    expect(await parkedIds()).toEqual([]);
  });
});
