import { randomUUID } from 'node:crypto';
import { ENVELOPE_HEADERS } from '@vanguard/contracts';
import { migrate, PostgresEventStore, StaleTransactionError, type AppendContext } from '@vanguard/event-store';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema, seededRandom } from '@vanguard/testing';
import { Pool, type PoolClient } from 'pg';
import { EventStoreRelaySource, ensureTopics, headerValue, Relay } from '../src';
import { collect, deleteTopics, kafkaClient, pledgeContracts } from './support';

/** Seeded, so a failing interleaving can be replayed with its seed. */
const random = seededRandom;

const SEED = Number(process.env.MESSAGING_INTERLEAVING_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WRITERS = 6;
const OPS_PER_WRITER = 12;
const SHARED = ['pledge-s0', 'pledge-s1', 'pledge-s2', 'pledge-s3'];
const TYPE = 'evaluation.PledgeProgressReported';
const context: AppendContext = {
  actor: { sub: 'relay-test', roles: [], orgId: 'org-1', kind: 'user' },
  orgId: 'org-1',
  correlationId: 'c',
};

jest.setTimeout(60_000);

// README "EventStoreRelaySource": the relay "never passes a transaction still in flight", so a
// transaction that took its id early and commits late is still published, once, and every
// stream reaches Kafka in version order. Writers mix caller transactions held open across
// other commits (an own stream first, so the id is taken early), group commits and single
// appends on shared streams, while the relay publishes in small batches beside them.
describe(`${EventStoreRelaySource.name} under interleaved writers`, () => {
  let db: TestSchema;
  let pool: Pool;
  const topic = `${testTopicPrefix('store-relay-interleave')}.events.v1`;
  const kafka = kafkaClient();

  beforeAll(async () => {
    db = await createTestSchema('store_relay_interleave');
    await migrate(db.pool, { schema: db.schema });
    pool = new Pool({ connectionString: db.url, max: WRITERS + 6 });
    await ensureTopics(kafka, [topic], { numPartitions: 3 });
  });

  afterAll(async () => {
    await pool.end();
    await deleteTopics(kafka, [topic]);
    await db.drop();
  });

  it(`publishes every committed event once and each stream in version order, late commits included (seed ${SEED})`, async () => {
    const rnd = random(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const grouped = new PostgresEventStore(pool, { schema: db.schema, groupCommit: { maxInFlight: 3 } });
    const single = new PostgresEventStore(pool, { schema: db.schema, groupCommit: false });
    const source = new EventStoreRelaySource(grouped, pool, { contracts: pledgeContracts(topic) });
    const sut = new Relay({ source, kafka, batchSize: 7, idleDelayMs: 20, backoff: { initialMs: 50, maxMs: 200 } });
    const committed: string[] = [];
    const rolledBack = new Set<string>();
    const event = () => ({ type: TYPE, eventId: randomUUID(), data: { v: 1 } });
    /** Round trips while a transaction stays open, so other writers commit and the relay reads in between. */
    const hold = async (client: PoolClient) => {
      for (let n = Math.floor(rnd() * 4); n > 0; n--) await client.query('select 1');
    };

    const inCallerTransaction = async (w: number, op: number, shared: string[]) => {
      for (let attempt = 0; ; attempt++) {
        const client = await pool.connect();
        const mine: string[] = [];
        try {
          await client.query('begin');
          const own = event();
          await grouped.append(`pledge-own-w${w}o${op}a${attempt}`, [own], { expectedVersion: 'no_stream', context, client });
          mine.push(own.eventId);
          await hold(client);
          for (const stream of shared) {
            const e = event();
            await grouped.append(stream, [e], { expectedVersion: 'any', context, client });
            mine.push(e.eventId);
            await hold(client);
          }
          await client.query('commit');
          committed.push(...mine);
          return;
        } catch (e) {
          await client.query('rollback');
          mine.forEach((id) => rolledBack.add(id));
          // A stale transaction or a deadlock between callers: both roll back whole and run again.
          if (!(e instanceof StaleTransactionError || (e as { code?: string }).code === '40P01') || attempt > 50) throw e;
        } finally {
          client.release();
        }
      }
    };

    sut.start();
    try {
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let op = 0; op < OPS_PER_WRITER; op++) {
            const kind = rnd();
            if (kind < 0.4) await inCallerTransaction(w, op, rnd() < 0.5 ? [pick(SHARED), pick(SHARED)].sort() : [pick(SHARED)]);
            else {
              const events = Array.from({ length: 1 + Math.floor(rnd() * 3) }, event);
              await (kind < 0.85 ? grouped : single).append(pick(SHARED), events, { expectedVersion: 'any', context });
              committed.push(...events.map((e) => e.eventId));
            }
          }
        }),
      );
      // On a skipped event this never holds: go on to the assertions, which name what is missing.
      await waitUntil('the relay to publish every committed event', () => sut.stats.published >= committed.length).catch(() => undefined);
    } finally {
      await sut.stop();
    }

    const reader = await collect(kafka, topic);
    try {
      const ids = () => reader.messages.map((m) => headerValue(m.headers, ENVELOPE_HEADERS.eventId)!);
      await waitUntil('every committed event on the topic', () => new Set(ids()).size >= committed.length).catch(() => undefined);
      const seen = ids();
      const onTopic = new Set(seen);
      expect(committed.filter((id) => !onTopic.has(id))).toEqual([]);
      expect(seen.filter((id) => rolledBack.has(id))).toEqual([]);
      expect(seen.length - onTopic.size).toBe(0);
      const versions = new Map<string, number[]>();
      for (const m of reader.messages) {
        const stream = String(m.key);
        versions.set(stream, [...(versions.get(stream) ?? []), Number(headerValue(m.headers, ENVELOPE_HEADERS.streamVersion))]);
      }
      const outOfOrder = [...versions].filter(([, vs]) => vs.some((v, i) => v !== i + 1)).map(([s, vs]) => `${s}: ${vs.join(',')}`);
      expect(outOfOrder).toEqual([]);
    } finally {
      await reader.stop();
    }
  });
});
