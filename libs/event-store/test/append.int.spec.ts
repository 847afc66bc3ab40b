import { ConcurrencyError, DuplicateEventError, InvalidEventError, InvalidStreamIdError, migrate, PostgresEventStore } from '../src';
import { context, counted, ManualClock, storeFixture, type StoreFixture } from './fixtures';

describe(PostgresEventStore.name, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_append');
  });
  afterAll(() => f.close());

  describe('append', () => {
    it('records the full envelope with the injected clock and ids', async () => {
      const clock = new ManualClock(new Date('2024-05-01T08:00:00.123Z'));
      const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
      const sut = f.store({ clock, ids: () => ids.shift()! });
      const result = await sut.append(
        'pledge-1',
        [
          {
            type: 'evaluation.PledgeFiled',
            data: { text: '带头学习' },
            occurredAt: '2024-05-01T16:00:00+08:00',
            metadata: { ip: '10.0.0.1' },
          },
          { type: 'evaluation.PledgeFulfilled', version: 2, data: { score: 4.5 } },
        ],
        { expectedVersion: 'no_stream', context: { ...context, causationId: 'cmd-1' } },
      );
      expect(result.nextExpectedVersion).toBe(2);
      expect(result.positions).toHaveLength(2);
      expect(result.positions[1]).toBeGreaterThan(result.positions[0]!);

      const events = await sut.readStream('pledge-1');
      expect(events).toHaveLength(2);
      expect(events[0]).toMatchObject({
        eventId: '11111111-1111-4111-8111-111111111111',
        type: 'evaluation.PledgeFiled',
        version: 1,
        streamId: 'pledge-1',
        streamVersion: 1,
        occurredAt: '2024-05-01T08:00:00.000Z',
        recordedAt: '2024-05-01T08:00:00.123Z',
        actor: context.actor,
        orgId: 'org-1',
        correlationId: 'corr-1',
        causationId: 'cmd-1',
        data: { text: '带头学习' },
        metadata: { ip: '10.0.0.1' },
        position: result.positions[0],
        prevHash: '0'.repeat(64),
      });
      expect(events[1]).toMatchObject({
        eventId: '22222222-2222-4222-8222-222222222222',
        version: 2,
        streamVersion: 2,
        occurredAt: '2024-05-01T08:00:00.123Z',
        prevHash: events[0]!.hash,
      });
      expect(events[1]).not.toHaveProperty('metadata');
      expect(events[1]!.hash).toBe(result.lastHash);
      const { rows } = await f.db.pool.query(
        `select type, data, actor, metadata from events_view where stream_id = 'pledge-1' order by stream_version`,
      );
      expect(rows).toEqual([
        { type: 'evaluation.PledgeFiled', data: { text: '带头学习' }, actor: context.actor, metadata: { ip: '10.0.0.1' } },
        { type: 'evaluation.PledgeFulfilled', data: { score: 4.5 }, actor: context.actor, metadata: null },
      ]);
    });

    it('checks the expected version: no_stream, exact, any', async () => {
      const sut = f.store();
      await sut.append('order-a', [counted()], { expectedVersion: 'no_stream', context });
      await expect(sut.append('order-a', [counted()], { expectedVersion: 'no_stream', context })).rejects.toMatchObject({
        code: 'EVENT_STORE.CONCURRENCY',
        streamId: 'order-a',
        expected: 'no_stream',
        actual: 1,
      });
      await sut.append('order-a', [counted()], { expectedVersion: 1, context });
      const stale = sut.append('order-a', [counted()], { expectedVersion: 1, context });
      await expect(stale).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(stale).rejects.toMatchObject({ expected: 1, actual: 2 });
      await expect(sut.append('order-b', [counted()], { expectedVersion: 3, context })).rejects.toMatchObject({ expected: 3, actual: 0 });
      const any = await sut.append('order-a', [counted(), counted()], { expectedVersion: 'any', context });
      expect(any.nextExpectedVersion).toBe(4);
      expect(await sut.streamVersion('order-a')).toBe(4);
      expect(await sut.streamVersion('order-b')).toBe(0);
    });

    it('lets exactly one of two racing writers with the same expected version win', async () => {
      const sut = f.store();
      await sut.append('race-1', [counted()], { expectedVersion: 'no_stream', context });
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => sut.append('race-1', [counted('test.Counted', i)], { expectedVersion: 1, context })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(7);
      for (const r of rejected) expect(r.reason).toBeInstanceOf(ConcurrencyError);
      expect((await sut.readStream('race-1')).map((e) => e.streamVersion)).toEqual([1, 2]);
    });

    it('creates a new stream once when racing writers all expect no_stream', async () => {
      const sut = f.store();
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => sut.append('race-new', [counted()], { expectedVersion: 'no_stream', context })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await sut.streamVersion('race-new')).toBe(1);
    });

    it('refuses an eventId that is already stored, leaving the stream unchanged', async () => {
      const sut = f.store();
      const eventId = '33333333-3333-4333-8333-333333333333';
      await sut.append('dup-1', [{ type: 'test.Once', data: {}, eventId }], { expectedVersion: 'no_stream', context });
      await expect(
        sut.append('dup-2', [{ type: 'test.Once', data: {}, eventId }], { expectedVersion: 'no_stream', context }),
      ).rejects.toBeInstanceOf(DuplicateEventError);
      expect(await sut.streamVersion('dup-2')).toBe(0);
    });

    it('group commit: appends that queue up share one transaction, and a mismatch fails only its own append', async () => {
      const sut = f.store({ groupCommit: { maxInFlight: 1 } });
      await sut.append('grp-existing', [counted()], { expectedVersion: 'no_stream', context });
      const alone = sut.append('grp-0', [counted()], { expectedVersion: 'no_stream', context });
      // These queue behind the lone in-flight append and go as one group.
      const fresh = [1, 2, 3, 4, 5].map((n) => sut.append(`grp-${n}`, [counted()], { expectedVersion: 'no_stream', context }));
      const stale = sut.append('grp-existing', [counted()], { expectedVersion: 'no_stream', context });
      const again = sut.append('grp-1', [counted(), counted()], { expectedVersion: 1, context });
      await alone;
      const grouped = await Promise.all(fresh);
      expect(new Set(grouped.map((r) => r.transactionId)).size).toBe(1);
      await expect(stale).rejects.toMatchObject({ code: 'EVENT_STORE.CONCURRENCY', streamId: 'grp-existing', actual: 1 });
      expect((await again).nextExpectedVersion).toBe(3);
      expect((await again).transactionId).toBe(grouped[0]!.transactionId);
      expect((await sut.readStream('grp-1')).map((e) => e.prevHash)).toEqual([
        '0'.repeat(64),
        grouped[0]!.lastHash,
        expect.stringMatching(/^[0-9a-f]{64}$/),
      ]);
      expect(await sut.streamVersion('grp-existing')).toBe(1);
      expect(await sut.verify()).toMatchObject({ ok: true });
    });

    it('group commit: a duplicate eventId in a group fails only the append that carries it', async () => {
      const sut = f.store({ groupCommit: { maxInFlight: 1 } });
      const eventId = '44444444-4444-4444-8444-444444444444';
      await sut.append('gdup-src', [{ type: 'test.Once', data: {}, eventId }], { expectedVersion: 'no_stream', context });
      const alone = sut.append('gdup-0', [counted()], { expectedVersion: 'no_stream', context });
      const results = await Promise.allSettled([
        sut.append('gdup-1', [counted()], { expectedVersion: 'no_stream', context }),
        sut.append('gdup-2', [{ type: 'test.Once', data: {}, eventId }], { expectedVersion: 'no_stream', context }),
        sut.append('gdup-3', [counted()], { expectedVersion: 'no_stream', context }),
      ]);
      await alone;
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventError);
      expect(await sut.streamVersion('gdup-2')).toBe(0);
      expect(await sut.streamVersion('gdup-3')).toBe(1);
    });

    it('refuses malformed stream ids before touching the database', async () => {
      await expect(f.store().append('nodash', [counted()], { expectedVersion: 'any', context })).rejects.toBeInstanceOf(
        InvalidStreamIdError,
      );
    });

    it.each(['+010000-01-01T00:00:00Z', '0000-06-01T00:00:00Z', '-000001-01-01T00:00:00Z'])(
      'refuses an occurredAt of %s, a year Postgres cannot store, as an invalid event',
      async (occurredAt) => {
        const sut = f.store({ groupCommit: false });
        await expect(
          sut.append('pledge-edge-time', [{ ...counted(), occurredAt }], { expectedVersion: 'any', context }),
        ).rejects.toBeInstanceOf(InvalidEventError);
      },
    );

    it('stores an occurredAt at either end of the years 0001 to 9999', async () => {
      const sut = f.store();
      const occurred = ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
      await sut.append(
        'pledge-far-times',
        occurred.map((occurredAt) => ({ ...counted(), occurredAt })),
        { expectedVersion: 'no_stream', context },
      );
      expect((await sut.readStream('pledge-far-times')).map((e) => e.occurredAt)).toEqual(occurred);
      await expect(sut.verify({ stream: 'pledge-far-times' })).resolves.toMatchObject({ ok: true });
    });

    it('joins the caller transaction: a rollback leaves no event and no stream', async () => {
      const sut = f.store();
      const client = await f.db.pool.connect();
      try {
        await client.query('begin');
        await sut.append('tx-1', [counted()], { expectedVersion: 'no_stream', context, client });
        await client.query('rollback');
      } finally {
        client.release();
      }
      expect(await sut.readStream('tx-1')).toEqual([]);
      expect(await sut.streamVersion('tx-1')).toBe(0);
    });

    it('migrates idempotently', async () => {
      await migrate(f.db.pool, { schema: f.db.schema });
      await Promise.all([migrate(f.db.pool, { schema: f.db.schema }), migrate(f.db.pool, { schema: f.db.schema })]);
      expect(await f.store().streamVersion('order-a')).toBe(4);
    });
  });

  describe('readStream', () => {
    it('reads forward from a version and backward from a version, bounded by maxCount', async () => {
      const sut = f.store();
      await sut.append(
        'read-1',
        [1, 2, 3, 4, 5].map((n) => counted('test.Counted', n)),
        { expectedVersion: 'no_stream', context },
      );
      expect((await sut.readStream('read-1', { fromVersion: 3 })).map((e) => e.streamVersion)).toEqual([3, 4, 5]);
      expect((await sut.readStream('read-1', { fromVersion: 2, maxCount: 2 })).map((e) => e.data)).toEqual([{ n: 2 }, { n: 3 }]);
      expect((await sut.readStream('read-1', { direction: 'backward' })).map((e) => e.streamVersion)).toEqual([5, 4, 3, 2, 1]);
      expect((await sut.readStream('read-1', { direction: 'backward', fromVersion: 4, maxCount: 2 })).map((e) => e.streamVersion)).toEqual([
        4, 3,
      ]);
      expect(await sut.readStream('read-none')).toEqual([]);
    });
  });
});
