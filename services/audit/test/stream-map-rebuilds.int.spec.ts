import type { Pool } from 'pg';
import { PostgresEventStore, migrate as migrateStore } from '@vanguard/event-store';
import { createTestSchema, waitUntil, type TestSchema } from '@vanguard/testing';
import { ProofLogs } from '../src/application/proof-logs';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'stream-map-rebuilds-test',
};

/**
 * A whole-stream proof at a size whose stream map the log no longer keeps rebuilds it from the
 * store (ADR 0054), reading the head of every stream that grew since. An auditor asking for many
 * sizes at once must not start as many rebuilds at once: they run one after another per store.
 */
describe('audit: rebuilding older stream maps (real Postgres)', () => {
  let db: TestSchema;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestSchema('audit_map_rebuilds');
    await migrateStore(db.pool, { schema: db.schema });
    store = new PostgresEventStore(db.pool, { schema: db.schema, groupCommit: false });
    // Two streams that keep growing: every earlier size has heads that are no longer current.
    for (let v = 1; v <= 8; v++)
      for (const s of ['pledge-a', 'pledge-b'])
        await store.append(s, [{ type: 'evaluation.PledgeMade', data: { n: v } }], {
          expectedVersion: v === 1 ? 'no_stream' : v - 1,
          context,
        });
  });
  afterAll(() => db?.drop());

  /** The pool, counting the rebuild's reads of older heads in flight at once. */
  function counting(pool: Pool): { pool: Pool; most: () => number } {
    let inFlight = 0;
    let most = 0;
    const proxy = new Proxy(pool, {
      get: (target, key): unknown =>
        key === 'query'
          ? async (sql: string, params?: unknown[]): Promise<unknown> => {
              const rebuild = sql.includes('join unnest');
              if (rebuild) most = Math.max(most, ++inFlight);
              try {
                return await target.query(sql, params);
              } finally {
                if (rebuild) inFlight -= 1;
              }
            }
          : Reflect.get(target, key),
    });
    return { pool: proxy, most: () => most };
  }

  it(
    'WhenManySizesAreAskedAtOnce_OneRebuildRunsAtATime_AndEachMapProvesTheStream',
    async () => {
      const { pool, most } = counting(db.pool);
      const logs = new ProofLogs(pool, { evaluation: db.schema, commendation: db.schema });
      await waitUntil('the log caught up with all 16 events', async () => (await logs.size('evaluation')) === 16, PAST_THE_HORIZON);
      const sizes = [3, 5, 7, 9, 11, 13];
      const proofs = await Promise.all(sizes.map((size) => logs.eventProofs('evaluation', 'pledge-a', size)));
      expect(proofs.map((p) => [p.size, p.events.length, p.mapProof !== null])).toEqual(
        sizes.map((size) => [size, Math.ceil(size / 2), true]),
      );
      expect(most()).toBe(1);
    },
    HORIZON_TEST_TIMEOUT,
  );
});
