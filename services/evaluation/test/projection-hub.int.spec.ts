import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@vanguard/event-store';
import { waitUntil, type TestSchema } from '@vanguard/testing';
import { ProjectionHub, PROJECTIONS_SUBSCRIPTION } from '../src/infrastructure/projection/projection-hub';
import type { ProjectionDefinition, Queryable } from '../src/infrastructure/projection/projections';
import { evaluationStoreSchema, storeContext } from './support/store-schema';

/** A read model that records each event id it was given: redelivery changes nothing. */
const seen = (name: string, table: string): ProjectionDefinition => ({
  name,
  tables: [table],
  create: (db: Queryable, t) => ({
    apply: async (e) => void (await db.query(`insert into "${t(table)}" (event_id) values ($1) on conflict do nothing`, [e.eventId])),
  }),
});

describe(ProjectionHub.name, () => {
  let db: TestSchema;
  const definitions = [seen('test.first', 'first_seen'), seen('test.late', 'late_seen')];
  const count = async (table: string) => Number((await db.pool.query<{ n: string }>(`select count(*) as n from "${table}"`)).rows[0]!.n);
  const append = async (store: PostgresEventStore, n: number) => {
    for (let i = 0; i < n; i++)
      await store.append(`pledge-${randomUUID()}`, [{ type: 'test.Step', data: { i } }], {
        expectedVersion: 'no_stream',
        context: storeContext,
      });
  };

  beforeAll(async () => {
    ({ db } = await evaluationStoreSchema('eval_hub'));
    for (const t of ['first_seen', 'late_seen']) await db.pool.query(`create table "${t}" (event_id uuid primary key)`);
  });
  afterAll(() => db?.drop());

  it('feeds every read model from one subscription, and builds one that joins later from the whole store first', async () => {
    const store = new PostgresEventStore(db.pool, { schema: db.schema });
    await append(store, 30);
    const first = ProjectionHub.of(store, definitions);
    first.register(
      'test.first',
      definitions[0]!.create(db.pool, (t) => t),
    );
    await first.start();
    try {
      await waitUntil('the first read model to follow the store', async () => (await count('first_seen')) === 30);
    } finally {
      await first.stop();
    }
    await append(store, 10);

    // A later release adds a read model: the shared checkpoint is already past the first 30 events.
    const restarted = new PostgresEventStore(db.pool, { schema: db.schema });
    const second = ProjectionHub.of(restarted, definitions);
    second.register(
      'test.first',
      definitions[0]!.create(db.pool, (t) => t),
    );
    second.register(
      'test.late',
      definitions[1]!.create(db.pool, (t) => t),
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
    const { rows } = await db.pool.query<{ subscription: string }>(`select subscription from subscription_checkpoints order by 1`);
    expect(rows.map((r) => r.subscription)).toEqual([PROJECTIONS_SUBSCRIPTION]);
    const members = await db.pool.query<{ name: string }>(`select name from projection_hub_members order by 1`);
    expect(members.rows.map((r) => r.name)).toEqual(['test.first', 'test.late']);
  });

  it('refuses a read model registered after the hub started: it would silently start mid-store', async () => {
    const hub = ProjectionHub.of(new PostgresEventStore(db.pool, { schema: db.schema }), definitions);
    hub.register(
      'test.first',
      definitions[0]!.create(db.pool, (t) => t),
    );
    await hub.start();
    try {
      expect(() =>
        hub.register(
          'test.late',
          definitions[1]!.create(db.pool, (t) => t),
        ),
      ).toThrow(/after the projections started/);
    } finally {
      await hub.stop();
    }
  });
});
