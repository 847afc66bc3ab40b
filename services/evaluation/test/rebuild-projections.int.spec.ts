import { randomUUID } from 'node:crypto';
import type { PostgresEventStore, Subscription } from '@vanguard/event-store';
import { waitUntil, type TestSchema } from '@vanguard/testing';
import { evaluationProjections } from '../src/infrastructure/projection/projections';
import { rebuildProjections } from '../src/infrastructure/projection/rebuild';
import { pledgeHistory, seeded } from './support/pledge-histories';
import { evaluationStoreSchema, storeContext } from './support/store-schema';

const at = { orgId: randomUUID(), campaignId: randomUUID(), cycleId: randomUUID() };

describe(rebuildProjections.name, () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  let live: Subscription;
  /** Events appended per pledge stream, to know when the live side has caught up. */
  const lengths = new Map<string, number>();

  const contents = async () => (await db.pool.query<Record<string, unknown>>(`select * from pledge_view order by pledge_id`)).rows;
  const indexes = async () =>
    (
      await db.pool.query<Record<string, unknown>>(
        `select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename like 'pledge_view%' order by 1`,
      )
    ).rows;
  const caughtUp = () =>
    waitUntil(
      'the live projection to hold every appended event',
      async () => {
        const { rows } = await db.pool.query<{ pledge_id: string; version: number }>(`select pledge_id, version from pledge_view`);
        const got = new Map(rows.map((r) => [r.pledge_id, r.version]));
        return [...lengths].every(([id, n]) => got.get(id) === n) && got.size === lengths.size;
      },
      { timeoutMs: 120_000 },
    );

  async function append(pledges: number, writers: number, seed: number): Promise<void> {
    const random = seeded(seed);
    const histories = Array.from({ length: pledges }, () => pledgeHistory(random, at));
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let p = w; p < histories.length; p += writers) {
          const events = histories[p]!;
          const id = events[0]!.data.pledgeId;
          for (const [i, e] of events.entries()) {
            await store.append(`pledge-${id}`, [e], { expectedVersion: i === 0 ? 'no_stream' : i, context: storeContext });
            lengths.set(id, i + 1);
          }
        }
      }),
    );
  }

  beforeAll(async () => {
    ({ db, store } = await evaluationStoreSchema('eval_rebuild'));
    const definition = evaluationProjections.find((d) => d.name === 'evaluation.pledge-view')!;
    const projection = definition.create(db.pool, (t) => t);
    live = store.subscribe({ name: definition.name, handler: (e) => projection.apply(e), pollIntervalMs: 100 });
  });
  afterAll(async () => {
    await live?.stop();
    await db?.drop();
  });

  it('WhenTheLiveTableWasDamaged_GivesBackExactlyWhatLiveFollowingBuilt_UnderTheSameIndexNames', async () => {
    await append(150, 4, 1);
    await caughtUp();
    const followed = await contents();
    const liveIndexes = await indexes();
    expect(followed.length).toBe(150);
    // What a rebuild is for: a read model that went wrong (here by hand).
    await db.pool.query(
      `update pledge_view set status = 'lapsed', percent = 7 where pledge_id in (select pledge_id from pledge_view limit 20)`,
    );
    await db.pool.query(`delete from pledge_view where pledge_id in (select pledge_id from pledge_view order by pledge_id desc limit 10)`);

    const progress: number[] = [];
    const report = await rebuildProjections(db.pool, store, evaluationProjections, {
      pageSize: 97,
      onProgress: (done) => progress.push(done),
    });

    expect(await contents()).toEqual(followed);
    expect(await indexes()).toEqual(liveIndexes);
    expect(report.events).toBe([...lengths.values()].reduce((a, b) => a + b, 0));
    expect(progress.at(-1)).toBe(report.events);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  }, 180_000);

  it.each([2, 3, 4])(
    'WhileCommandsRun_LosesNothing_AndTheLiveSideCarriesOnInTheNewTable (seed %i)',
    async (seed) => {
      const writing = append(80, 4, 100 + seed);
      // Small pages, so the shadow is built while appends interleave with it, and the swap catches up under the lock.
      const report = await rebuildProjections(db.pool, store, evaluationProjections, { pageSize: 10 + seed * 7 });
      await writing;
      await caughtUp();
      const afterLive = await contents();
      // The same read model a rebuild at rest gives: nothing lost, nothing applied twice.
      await rebuildProjections(db.pool, store, evaluationProjections);
      expect(await contents()).toEqual(afterLive);
      expect(report.events).toBeGreaterThan(0);
      const { rows } = await db.pool.query(
        `select tablename from pg_tables where schemaname = current_schema() and tablename like '%__rebuild'`,
      );
      expect(rows).toEqual([]);
    },
    180_000,
  );
});
