import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DeciderStreams, migrate, PostgresEventStore, type StreamContext } from '@vanguard/event-store';
import { infraConfig, isOutOfReach } from '@vanguard/infra-config';
import { hearsItsOwnErrors } from '@vanguard/observability';
import { createTestSchema, CuttingProxy, waitUntil, type TestSchema } from '@vanguard/testing';
import type { LockedAppend } from '../src/application/ports/zoned-units.port';
import { CampaignBusyError, SqlZonedUnits } from '../src/infrastructure/field-work/sql-zoned-units';

/** These cases are about who holds the lock, not what it guards: an append from them is a test's mistake. */
const noAppend = { appendOn: () => Promise.reject(new Error('no append expected')) };

// The campaign's designation lock across replicas: two SqlZonedUnits are two replicas (each its own
// in-process chain), sharing only Postgres.
describe(`${SqlZonedUnits.name} across replicas`, () => {
  const pool = new Pool({ connectionString: infraConfig().testDatabaseUrl, options: '-c search_path=evaluation', max: 4 });
  afterAll(() => pool.end());

  /** Sessions holding the campaign's designation lock (the key as SqlZonedUnits makes it, in this schema). */
  const holders = async (campaign: string) =>
    Number(
      (
        await pool.query<{ n: string }>(
          `select count(*) as n from pg_locks
            where locktype = 'advisory' and granted and objsubid = 1
              and ((classid::bigint << 32) | objid::bigint) = hashtextextended('evaluation:zone-designation:' || $1, 0)`,
          [campaign],
        )
      ).rows[0]!.n,
    );

  it('keeps another replica out while one designates, refusing it as busy after its wait, and lets it in once released', async () => {
    const campaign = randomUUID();
    const first = new SqlZonedUnits(pool, noAppend);
    const second = new SqlZonedUnits(pool, noAppend, 300);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside = false;
    const designating = first.exclusively(campaign, async () => {
      inside = true;
      await held;
      return 'first';
    });
    await waitUntil('the first replica inside', () => inside);
    expect(await holders(campaign)).toBe(1);

    await expect(second.exclusively(campaign, () => Promise.resolve('second'))).rejects.toBeInstanceOf(CampaignBusyError);
    // Another campaign is not held up.
    await expect(second.exclusively(randomUUID(), () => Promise.resolve('other'))).resolves.toBe('other');

    release();
    await expect(designating).resolves.toBe('first');
    await expect(second.exclusively(campaign, () => Promise.resolve('second'))).resolves.toBe('second');
  });

  it('ends the backend of a lock whose answer was lost, which would otherwise hold the campaign for nobody', async () => {
    // The lock is granted, its answer lost, and the server hears nothing of the cut (a partition);
    // behind a relay that hides backend keys as a pooler does, so the backend is found by its own pid.
    const url = new URL(infraConfig().testDatabaseUrl);
    const proxy = await CuttingProxy.start({ host: url.hostname, port: Number(url.port || 5432) }, { hideBackendKeys: true });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const cut = new Pool({ connectionString: url.toString(), options: '-c search_path=evaluation', max: 2 });
    // As every service pool hears it: a connection cut while checked out fails its query, not the process.
    cut.on('connect', hearsItsOwnErrors);
    cut.on('error', () => undefined);
    const campaign = randomUUID();
    try {
      proxy.cutAfterAnswerTo(campaign, { serverHearsNothing: true });
      await expect(new SqlZonedUnits(cut, noAppend).exclusively(campaign, () => Promise.resolve('cut'))).rejects.toThrow(
        /Connection terminated|not queryable/,
      );
      expect(proxy.cuts).toBe(1);
      await waitUntil('the lost lock’s backend to be ended', async () => (await holders(campaign)) === 0, { timeoutMs: 5_000 });
      await expect(new SqlZonedUnits(pool, noAppend, 300).exclusively(campaign, () => Promise.resolve('next'))).resolves.toBe('next');
    } finally {
      await cut.end();
      await proxy.close();
    }
  });

  it('refuses an append kept past its work, which would run on a pooled connection without the lock', async () => {
    let kept: LockedAppend | undefined;
    await new SqlZonedUnits(pool, noAppend).exclusively(randomUUID(), (append) => Promise.resolve(void (kept = append)));
    const ctx = { actor: { sub: 'someone', roles: [] }, orgId: randomUUID(), correlationId: randomUUID() };
    await expect(kept!(`zone-${randomUUID()}`, [{ type: 'test.ZoneDesignated', data: {} }], 0, ctx)).rejects.toThrow(/no longer held/);
  });

  it('frees the lock when the work throws, in its own replica and in another', async () => {
    const campaign = randomUUID();
    const sut = new SqlZonedUnits(pool, noAppend, 300);
    await expect(sut.exclusively(campaign, () => Promise.reject(new Error('decider refused')))).rejects.toThrow('decider refused');
    await expect(sut.exclusively(campaign, () => Promise.resolve('again'))).resolves.toBe('again');
    await expect(new SqlZonedUnits(pool, noAppend, 300).exclusively(campaign, () => Promise.resolve('elsewhere'))).resolves.toBe(
      'elsewhere',
    );
    expect(await holders(campaign)).toBe(0);
  });
});

// A lock is lost with its session: the connection cut, or its backend ended (a failover, an
// operator's pg_terminate_backend). The designation that held it must then not commit, since
// another replica may already hold the lock and have read the zones without it.
describe(`${SqlZonedUnits.name} when the lock is lost mid-designation`, () => {
  let db: TestSchema;
  let streams: DeciderStreams;
  const admin = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 1 });
  const ctx: StreamContext = { actor: { sub: 'county.organizer', roles: ['organizer'] }, orgId: randomUUID(), correlationId: randomUUID() };

  beforeAll(async () => {
    db = await createTestSchema('zoned_units_lock');
    // As every service pool hears it: a connection ended while checked out fails its query, not the process.
    db.pool.on('connect', hearsItsOwnErrors);
    await migrate(db.pool, { schema: db.schema });
    streams = new DeciderStreams(new PostgresEventStore(db.pool, { schema: db.schema }));
  });
  afterAll(async () => {
    await db.drop();
    await admin.end();
  });

  const eventsOf = async (streamId: string) =>
    Number(
      (await admin.query<{ n: string }>(`select count(*) as n from "${db.schema}".events where stream_id = $1`, [streamId])).rows[0]!.n,
    );

  it("fails the holder's append once its session is gone, while the replica that took the lock meanwhile appends", async () => {
    const campaign = randomUUID();
    const [zoneA, zoneB] = [`zone-${randomUUID()}`, `zone-${randomUUID()}`];
    let proceed!: () => void;
    const go = new Promise<void>((r) => (proceed = r));
    let inside = false;
    const first = new SqlZonedUnits(db.pool, streams).exclusively(campaign, async (append) => {
      inside = true;
      await go;
      return append(zoneA, [{ type: 'test.ZoneDesignated', data: { campaign } }], 0, ctx);
    });
    await waitUntil('the first replica inside', () => inside);
    const { rows } = await admin.query<{ pid: number }>(
      `select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 1
          and ((classid::bigint << 32) | objid::bigint) = hashtextextended($1 || ':zone-designation:' || $2, 0)`,
      [db.schema, campaign],
    );
    expect(rows).toHaveLength(1);
    await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);

    // The lock went with its backend: another replica takes it and designates.
    try {
      const second = new SqlZonedUnits(db.pool, streams, 5_000).exclusively(campaign, (append) =>
        append(zoneB, [{ type: 'test.ZoneDesignated', data: { campaign } }], 0, ctx),
      );
      await expect(second).resolves.toBe(1);
    } finally {
      // Let go whatever happened, or the first replica would hold its connection past the suite.
      proceed();
    }
    // As an outage, so the route answers 503 and the designation may be tried again.
    const failed = await first.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOutOfReach(failed)).toBe(true);
    expect(await eventsOf(zoneB)).toBe(1);
    expect(await eventsOf(zoneA)).toBe(0);
    // And the campaign is free again, in the first replica too.
    await expect(new SqlZonedUnits(db.pool, streams, 1_000).exclusively(campaign, () => Promise.resolve('again'))).resolves.toBe('again');
  });
});
