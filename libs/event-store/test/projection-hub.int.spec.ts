import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresEventStore, ProjectionHub, type Queryable, type ReadModelDefinition } from '../src';
import { CuttingProxy, waitUntil } from '@vanguard/testing';
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

  it('builds a joining read model behind a pooler that hides backend pids: its lock is checked by the backend’s own', async () => {
    for (const t of ['pooled_first', 'pooled_late']) await f.db.pool.query(`create table "${t}" (event_id uuid primary key)`);
    const pooled = [seen('test.pooled-first', 'pooled_first'), seen('test.pooled-late', 'pooled_late')];
    const options = { subscription: 'test.pooled', definitions: pooled };
    const first = ProjectionHub.of(f.store(), options);
    first.register(
      'test.pooled-first',
      pooled[0]!.create(f.db.pool, (t) => t),
    );
    await first.start();
    await append(f.store(), 5);
    try {
      await waitUntil('the first hub to follow the store', async () => (await count('pooled_first')) >= 5);
    } finally {
      await first.stop();
    }

    const url = new URL(f.db.url);
    const proxy = await CuttingProxy.start({ host: url.hostname, port: Number(url.port || 5432) }, { hideBackendKeys: true });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const pool = new Pool({ connectionString: url.toString(), max: 4 });
    const second = ProjectionHub.of(new PostgresEventStore(pool, { schema: f.db.schema }), options);
    try {
      for (const d of pooled)
        second.register(
          d.name,
          d.create(pool, (t) => t),
        );
      await second.start();
      await waitUntil('the joined read model to hold the store', async () => (await count('pooled_late')) >= 5);
    } finally {
      try {
        await second.stop();
      } finally {
        await pool.end();
        await proxy.close();
      }
    }
    const members = await f.db.pool.query<{ name: string }>(
      `select name from projection_hub_members where name like 'test.pooled%' order by 1`,
    );
    expect(members.rows.map((r) => r.name)).toEqual(['test.pooled-first', 'test.pooled-late']);
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

  // The join's advisory lock is its connection's session's: lost with it, a rebuild going on could run beside another instance's.
  /**
   * A second hub joins `test.cut` while its lock's backend is ended mid-build. `heard`: the hub hears
   * its lock connection fail; otherwise only the test does (the hub's listener never attached), as
   * when a partition hides the end from the client.
   */
  async function joinLosingItsLock(heard: boolean, names: { subscription: string; held: string; cut: string }) {
    for (const t of [names.held, names.cut]) await f.db.pool.query(`create table "${t}" (event_id uuid primary key)`);
    const held = seen('test.held', names.held);
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // Its shadow waits on the gate, so the rebuild is under way when the lock connection is ended.
    const cut: ReadModelDefinition = {
      name: 'test.cut',
      tables: [names.cut],
      create: (db: Queryable, t) => ({
        apply: async (e) => {
          if (t(names.cut) !== names.cut) await gate;
          await db.query(`insert into "${t(names.cut)}" (event_id) values ($1) on conflict do nothing`, [e.eventId]);
        },
      }),
    };
    const options = { subscription: names.subscription, definitions: [held, cut] };
    const first = ProjectionHub.of(f.store(), options);
    first.register(
      'test.held',
      held.create(f.db.pool, (t) => t),
    );
    await first.start();
    await append(f.store(), 5);
    try {
      await waitUntil('the first hub to follow the store', async () => (await count(names.held)) >= 5);
    } finally {
      await first.stop();
    }

    const store = f.store();
    // The first connection the join takes is the one its lock lives on: heard here to know it failed.
    const connect = store.pool.connect.bind(store.pool);
    let lockConnectionFailed = false;
    store.pool.connect = (async () => {
      store.pool.connect = connect;
      const c = await connect();
      c.on('error', () => (lockConnectionFailed = true));
      if (!heard) {
        const on = c.on;
        c.on = (event: unknown, listener: unknown) => (event === 'error' ? c : on.call(c, event as 'end', listener as () => void));
      }
      return c;
    }) as typeof store.pool.connect;
    const second = ProjectionHub.of(store, options);
    second.register(
      'test.held',
      held.create(f.db.pool, (t) => t),
    );
    second.register(
      'test.cut',
      cut.create(f.db.pool, (t) => t),
    );
    const started = second.start();
    const holder = await waitUntil('the join to hold its lock while it builds', async () => {
      const { rows } = await f.admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted and classid = hashtext('vanguard-projection-hub')::oid
            and objid = hashtext($1)::oid and objsubid = 2
            and to_regclass($2) is not null`,
        [`${f.db.schema}.${names.subscription}`, `"${f.db.schema}"."${names.cut}__rebuild"`],
      );
      return rows[0];
    });
    await f.admin.query('select pg_terminate_backend($1)', [holder.pid]);
    await waitUntil('the lock connection to hear its end', () => lockConnectionFailed);
    openGate();
    return { started, second };
  }

  async function expectNothingSwappedIn(cutTable: string) {
    expect(await count(cutTable)).toBe(0);
    const shadow = await f.db.pool.query<{ t: string | null }>(`select to_regclass($1)::text as t`, [`${cutTable}__rebuild`]);
    expect(shadow.rows[0]!.t).toBeNull();
    const members = await f.db.pool.query<{ name: string }>(`select name from projection_hub_members where name = 'test.cut'`);
    expect(members.rows).toEqual([]);
  }

  it('stops building a joining read model when the connection holding its lock fails, swaps nothing in and records nothing', async () => {
    const { started, second } = await joinLosingItsLock(true, { subscription: 'test.lock-lost', held: 'held_seen', cut: 'cut_seen' });
    await expect(started).rejects.toThrow(/lock connection failed/);
    await second.stop();
    await expectNothingSwappedIn('cut_seen');
  });

  it('swaps nothing in when its lock was lost unheard: the swap finds the lock gone', async () => {
    const { started, second } = await joinLosingItsLock(false, {
      subscription: 'test.lock-lost-unheard',
      held: 'held_unheard',
      cut: 'cut_unheard',
    });
    await expect(started).rejects.toThrow(/no longer held/);
    await second.stop();
    await expectNothingSwappedIn('cut_unheard');
  });
});
