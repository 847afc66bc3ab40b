import { randomUUID } from 'node:crypto';
import { ProjectionHub, type PostgresEventStore, type Queryable, type ReadModelDefinition } from '../src';
import { waitUntil } from '@vanguard/testing';
import { context, storeFixture, type StoreFixture } from './fixtures';

/** A read model that records each event id it was given: redelivery changes nothing. */
const seen = (name: string, table: string): ReadModelDefinition => ({
  name,
  tables: [table],
  create: (db: Queryable, t) => ({
    apply: async (e) => void (await db.query(`insert into "${t(table)}" (event_id) values ($1) on conflict do nothing`, [e.eventId])),
  }),
});

describe(ProjectionHub.name, () => {
  let f: StoreFixture;
  const definitions = [seen('test.first', 'first_seen'), seen('test.late', 'late_seen')];
  const count = async (table: string) => Number((await f.db.pool.query<{ n: string }>(`select count(*) as n from "${table}"`)).rows[0]!.n);
  const append = async (store: PostgresEventStore, n: number) => {
    for (let i = 0; i < n; i++)
      await store.append(`pledge-${randomUUID()}`, [{ type: 'test.Step', data: { i } }], {
        expectedVersion: 'no_stream',
        context,
      });
  };

  beforeAll(async () => {
    f = await storeFixture('es_hub');
    for (const t of ['first_seen', 'late_seen']) await f.db.pool.query(`create table "${t}" (event_id uuid primary key)`);
  });
  afterAll(() => f?.close());

  it('feeds every read model from one subscription, and builds one that joins later from the whole store first', async () => {
    const store = f.store();
    await append(store, 30);
    const first = ProjectionHub.of(store, { subscription: 'test.projections', definitions });
    first.register(
      'test.first',
      definitions[0]!.create(f.db.pool, (t) => t),
    );
    await first.start();
    try {
      await waitUntil('the first read model to follow the store', async () => (await count('first_seen')) === 30);
    } finally {
      await first.stop();
    }
    await append(store, 10);

    // A later release adds a read model: the shared checkpoint is already past the first 30 events.
    const restarted = f.store();
    const second = ProjectionHub.of(restarted, { subscription: 'test.projections', definitions });
    second.register(
      'test.first',
      definitions[0]!.create(f.db.pool, (t) => t),
    );
    second.register(
      'test.late',
      definitions[1]!.create(f.db.pool, (t) => t),
    );
    await second.start();
    try {
      await waitUntil(
        'both read models to hold all 40 events',
        async () => (await count('first_seen')) === 40 && (await count('late_seen')) === 40,
      );
    } finally {
      await second.stop();
    }
    const { rows } = await f.db.pool.query<{ subscription: string }>(`select subscription from subscription_checkpoints order by 1`);
    expect(rows.map((r) => r.subscription)).toEqual(['test.projections']);
    const members = await f.db.pool.query<{ name: string }>(`select name from projection_hub_members order by 1`);
    expect(members.rows.map((r) => r.name)).toEqual(['test.first', 'test.late']);
  });

  it('refuses a read model registered after the hub started: it would silently start mid-store', async () => {
    const hub = ProjectionHub.of(f.store(), { subscription: 'test.projections', definitions });
    hub.register(
      'test.first',
      definitions[0]!.create(f.db.pool, (t) => t),
    );
    await hub.start();
    try {
      expect(() =>
        hub.register(
          'test.late',
          definitions[1]!.create(f.db.pool, (t) => t),
        ),
      ).toThrow(/after the projections started/);
    } finally {
      await hub.stop();
    }
  });
});
