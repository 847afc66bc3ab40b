import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { ContractRegistry } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, seededRandom, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { ensureTopics, EventConsumer, migrateInbox, PgInbox, toKafkaMessage, type EventHandler } from '../src';
import { EFFECTS_DDL, effectsOf, interleavedStreams, StreamOrderWitness } from './stream-order';
import { deleteTopics, kafkaClient, networkFault, thingContract, thingEvent } from './support';

jest.setTimeout(90_000);

const SEED = Number(process.env['CONSUMER_REBALANCE_SEED'] ?? Date.now() % 1_000_000);
const PARTITIONS = 4;
const STREAMS = 16;
const VERSIONS = 15;
/** The broker's least session timeout (group.min.session.timeout.ms): how long a dead member keeps its partitions. */
const SESSION_MS = 6_000;

// README "Where duplicates arise" 3 and DESIGN.md: at-least-once delivery, effects exactly once.
// Member A holds a message of each of three partitions in hand (its handler failing, retrying)
// when B joins the group: A keeps two of the four partitions, so at least one message it had in
// hand moves and must be handled by B. Later A dies without a goodbye: its network is cut inside a
// handler (a random one of its next twenty), so that effect commits and its offset never does; B
// takes over after A's session and redelivers what A had handled since its last offset commit,
// which the inbox must absorb. CONSUMER_REBALANCE_SEED replays a draw.
describe(`${EventConsumer.name}: redelivery after a rebalance between two members (seed ${SEED})`, () => {
  let db: TestSchema;
  let producer: Producer;
  const kafka = kafkaClient();
  const topic = `${testTopicPrefix('consumer-rebalance')}.t`;
  const group = `rebalance-${randomUUID()}`;
  const contracts = new ContractRegistry([thingContract(topic)]);
  const running: EventConsumer<PoolClient>[] = [];

  beforeAll(async () => {
    db = await createTestSchema('consumer_rebalance');
    await migrateInbox(db.pool);
    await db.pool.query(EFFECTS_DDL);
    await ensureTopics(kafka, [topic], { numPartitions: PARTITIONS });
    producer = testProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await producer?.disconnect();
    await deleteTopics(kafka, [topic]);
    await db?.drop();
  });

  function member(client: Kafka, handler: EventHandler<PoolClient>, metrics: Registry): EventConsumer<PoolClient> {
    const c = new EventConsumer<PoolClient>({
      kafka: client,
      groupId: group,
      topics: [topic],
      contracts,
      inbox: new PgInbox(db.pool),
      handlers: { 'msgtest.ThingHappened': handler },
      // Retried for as long as the rebalance takes.
      retry: { maxAttempts: 1_000, initialDelayMs: 50, maxDelayMs: 200, jitter: 0 },
      metrics,
      sessionTimeoutMs: SESSION_MS,
      maxWaitTimeInMs: 100,
    });
    running.push(c);
    return c;
  }

  async function groupState(): Promise<{ state: string; members: number }> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([group]);
      return { state: groups[0]?.state ?? 'Dead', members: groups[0]?.members.length ?? 0 };
    } finally {
      await admin.disconnect();
    }
  }

  async function caughtUp(): Promise<boolean> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return ends.every((e) => committed!.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
    } finally {
      await admin.disconnect();
    }
  }

  const duplicates = async (metrics: Registry) =>
    (await metrics.getSingleMetric('vanguard_consumer_messages_total')!.get()).values
      .filter((v) => v.labels['outcome'] === 'duplicate')
      .reduce((n, v) => n + v.value, 0);

  it('hands a message in hand to the new owner, loses none, and takes every effect once', async () => {
    const rnd = seededRandom(SEED);
    const events = interleavedStreams(rnd, STREAMS, VERSIONS, thingEvent);
    await producer.send({ topic, messages: events.map(toKafkaMessage) });
    const witness = new StreamOrderWitness();
    const inHand = new Map<number, string>(); // partition -> the event A held there when B joined
    let phase: 'before' | 'moved' = 'before';
    let crashIn = 1 + Math.floor(rnd() * 20); // A's handler calls after the move until it dies
    const fault = networkFault();
    const clientA = new Kafka({
      clientId: `rebalance-a-${randomUUID().slice(0, 8)}`,
      brokers: [...infraConfig().kafkaBrokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 500,
      retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
      socketFactory: fault.socketFactory,
    });
    const metricsA = new Registry();
    const metricsB = new Registry();
    const a = member(
      clientA,
      async (e, { tx, origin }) => {
        await witness.check(tx, e);
        if (phase === 'before') {
          if (!inHand.has(origin.partition)) inHand.set(origin.partition, e.eventId);
          throw new Error('in hand until the group has rebalanced');
        }
        if (--crashIn === 0) fault.cut(); // dies here: this effect commits, its offset never does
        await witness.record(tx, e, 'A');
      },
      metricsA,
    );
    const b = member(kafka, (e, { tx }) => witness.record(tx, e, 'B'), metricsB);

    await a.start();
    await waitUntil('A holding a message of three partitions', () => inHand.size === 3, { timeoutMs: 30_000 });
    const joining = b.start();
    await waitUntil('the group rebalanced onto A and B', async () => {
      const g = await groupState();
      return g.state === 'Stable' && g.members === 2;
    });
    phase = 'moved';
    await joining;

    await waitUntil('every event taken effect', async () => (await effectsOf(db)).count.size === events.length, { timeoutMs: 60_000 });
    // Not the inbox's own count: whatever it did with the redelivered messages, B got past all of them.
    await waitUntil('the group committed every partition to its end', caughtUp, { timeoutMs: 30_000 });
    const { count, member: by, order } = await effectsOf(db);
    expect(witness.violations).toEqual([]);
    expect([...count.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    for (const [stream, seqs] of order) expect({ stream, seqs }).toEqual({ stream, seqs: [...seqs].sort((x, y) => x - y) });
    expect(fault.refused).toBeGreaterThan(0); // A did die
    expect(await duplicates(metricsB)).toBeGreaterThan(0); // and B was given what A had handled after its last offset commit
    // Of the three partitions A had a message in hand on, it kept two at most: B handled the rest's.
    expect([...inHand.values()].filter((id) => by.get(id) === 'B').length).toBeGreaterThan(0);
    expect([...inHand.values()].every((id) => count.get(id) === 1)).toBe(true);
  });
});
