import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { ContractRegistry, deadLetterTopic } from '@vanguard/contracts';
import { createTestSchema, seededRandom, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { ensureTopics, EventConsumer, migrateInbox, PgInbox, toKafkaMessage } from '../src';
import { EFFECTS_DDL, effectsOf, interleavedStreams, StreamOrderWitness } from './stream-order';
import { collect, deleteTopics, kafkaClient, thingContract, thingEvent } from './support';

jest.setTimeout(60_000);

const SEED = Number(process.env['CONSUMER_ORDER_SEED'] ?? Date.now() % 1_000_000);
const STREAMS = 12;
const VERSIONS = 10;
const MAX_ATTEMPTS = 3;

// README "Known limits": retries block their partition, which keeps per-stream order. Here a third
// of the events fail once or twice before they succeed and a few never do (dead-lettered after
// MAX_ATTEMPTS), landing inside batches that then fall back to one at a time, while more events
// arrive. Every effect checks, in its own transaction, that its stream's earlier events took
// effect or were dead-lettered, and that no later one did. CONSUMER_ORDER_SEED replays a draw.
describe(`${EventConsumer.name}: a stream's order holds while a message waits for its retry (seed ${SEED})`, () => {
  let db: TestSchema;
  let producer: Producer;
  const kafka = kafkaClient();
  const topic = `${testTopicPrefix('consumer-order')}.t`;
  let sut: EventConsumer<PoolClient> | undefined;

  beforeAll(async () => {
    db = await createTestSchema('consumer_order');
    await migrateInbox(db.pool);
    await db.pool.query(EFFECTS_DDL);
    await ensureTopics(kafka, [topic], { numPartitions: 3 });
    producer = testProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await sut?.stop();
    await producer?.disconnect();
    await deleteTopics(kafka, [topic]);
    await db?.drop();
  });

  it('handles no later event of a stream before an earlier one succeeded or was dead-lettered', async () => {
    const rnd = seededRandom(SEED);
    const events = interleavedStreams(rnd, STREAMS, VERSIONS, thingEvent);
    // How many times each event's handler throws before it succeeds; Infinity: it never does.
    const failures = new Map(events.map((e) => [e.eventId, ((d) => (d < 0.67 ? 0 : d < 0.82 ? 1 : d < 0.95 ? 2 : Infinity))(rnd())]));
    const poison = new Set(events.filter((e) => failures.get(e.eventId) === Infinity).map((e) => e.eventId));
    const key = (stream: string, seq: number) => `${stream}#${seq}`;
    const idOf = new Map(events.map((e) => [key(e.streamId, e.streamVersion), e.eventId]));
    const calls = new Map<string, number>();
    const witness = new StreamOrderWitness((stream, seq) => {
      const id = idOf.get(key(stream, seq))!;
      return poison.has(id) && (calls.get(id) ?? 0) >= MAX_ATTEMPTS;
    });
    const metrics = new Registry();
    const dlq = await collect(kafka, deadLetterTopic(topic));
    try {
      // Half before the consumer starts (large batches), half while it works through the first.
      const split = Math.floor(events.length / 2);
      await producer.send({ topic, messages: events.slice(0, split).map(toKafkaMessage) });
      sut = new EventConsumer<PoolClient>({
        kafka,
        groupId: `order-${randomUUID()}`,
        topics: [topic],
        contracts: new ContractRegistry([thingContract(topic)]),
        inbox: new PgInbox(db.pool),
        handlers: {
          'msgtest.ThingHappened': async (e, { tx }) => {
            const n = (calls.get(e.eventId) ?? 0) + 1;
            calls.set(e.eventId, n);
            await witness.check(tx, e);
            if (n <= failures.get(e.eventId)!) throw new Error(`planned failure ${n} of ${e.streamId}#${e.streamVersion}`);
            await witness.record(tx, e, 'only');
          },
        },
        retry: { maxAttempts: MAX_ATTEMPTS, initialDelayMs: 20, maxDelayMs: 80, jitter: 0 },
        metrics,
        maxWaitTimeInMs: 100,
      });
      await sut.start();
      for (let from = split; from < events.length; from += 10) {
        await producer.send({ topic, messages: events.slice(from, from + 10).map(toKafkaMessage) });
      }

      await waitUntil('every event taken effect or dead-lettered', async () => {
        const { count } = await effectsOf(db);
        return count.size + poison.size === events.length && dlq.messages.length >= poison.size;
      });
      const { count, order } = await effectsOf(db);
      expect(witness.violations).toEqual([]);
      expect([...count.values()].every((n) => n === 1)).toBe(true);
      expect(events.filter((e) => !count.has(e.eventId)).map((e) => e.eventId)).toEqual([...poison]);
      expect(dlq.messages.map((m) => JSON.parse(String(m.value)).eventId as string).sort()).toEqual([...poison].sort());
      for (const [stream, seqs] of order) expect({ stream, seqs }).toEqual({ stream, seqs: [...seqs].sort((a, b) => a - b) });
      // The draw did make events wait for retries behind which later events of their streams queued.
      expect([...failures.values()].filter((f) => f > 0).length).toBeGreaterThan(STREAMS);
    } finally {
      await dlq.stop();
    }
  });
});
