// Starting and stopping a consumer while Kafka is slow or the topic is not there yet: what a
// service does at boot and at shutdown. A start that outlives its service keeps a group member
// (and kafkajs timers) alive after the process should have let go of them.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { ContractRegistry } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { ensureTopics, EventConsumer, migrateInbox, PgInbox, toKafkaMessage } from '../src';
import { deleteTopics, kafkaClient, networkFault, thingContract, thingEvent } from './support';

jest.setTimeout(60_000);
/** The broker's least session timeout (group.min.session.timeout.ms). */
const SESSION_MS = 6_000;

describe(`${EventConsumer.name} lifecycle`, () => {
  let db: TestSchema;
  const kafka = kafkaClient();
  const prefix = testTopicPrefix('consumer-life');
  const topics: string[] = [];
  const contracts = new ContractRegistry([thingContract(`${prefix}.any`)]);
  const running: EventConsumer<PoolClient>[] = [];

  beforeAll(async () => {
    db = await createTestSchema('consumer_life');
    await migrateInbox(db.pool);
  });

  afterAll(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
    await deleteTopics(kafka, topics);
    await db.drop();
  });

  function consumer(client: Kafka, topic: string, groupId: string, seen: string[] = [], sessionTimeoutMs?: number) {
    const sut = new EventConsumer<PoolClient>({
      kafka: client,
      groupId,
      topics: [topic],
      contracts,
      inbox: new PgInbox(db.pool),
      handlers: {
        'msgtest.ThingHappened': (e) => {
          seen.push(e.eventId);
          return Promise.resolve();
        },
      },
      maxWaitTimeInMs: 100,
      ...(sessionTimeoutMs ? { sessionTimeoutMs } : {}),
    });
    running.push(sut);
    return sut;
  }

  async function members(groupId: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0]?.members.length ?? 0;
    } finally {
      await admin.disconnect();
    }
  }

  it('WhenStoppedWhileStillStarting_TheStartEndsWithoutJoiningTheGroup', async () => {
    const topic = `${prefix}.a`;
    topics.push(topic);
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    const groupId = `${prefix}.a.${randomUUID().slice(0, 8)}`;
    const sut = consumer(kafka, topic, groupId);

    const starting = sut.start();
    await sut.stop();
    await starting;

    expect(await members(groupId)).toBe(0);
  });

  it('WhenStoppedAtAnyPointOfItsStart_TheStartEndsQuietlyAndNoMemberIsLeft', async () => {
    // Random gaps between start and stop land the stop in each step of the start (connect,
    // subscribe, join): stop()'s disconnects make kafkajs throw from the step in flight.
    const topic = `${prefix}.d`;
    topics.push(topic);
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    const groupId = `${prefix}.d.${randomUUID().slice(0, 8)}`;
    const failures: string[] = [];
    for (let i = 0; i < 16; i++) {
      const sut = consumer(kafka, topic, groupId, [], SESSION_MS);
      const starting = sut.start().catch((e: unknown) => void failures.push(`gap ${i % 8} ms: ${String(e)}`));
      await new Promise((r) => setTimeout(r, i % 8));
      await sut.stop();
      await starting;
    }
    expect(failures).toEqual([]);
    // A stop that cut the connection before LeaveGroup leaves the member registered until its
    // session times out; a consumer still running would heartbeat and stay.
    await waitUntil('no member left in the group', async () => (await members(groupId)) === 0, { timeoutMs: 4 * SESSION_MS });
  }, 120_000);

  it('WhenStartedAfterItWasStopped_ItStaysStopped', async () => {
    // A runner that prepares topics before starting: shutdown came while it was preparing.
    const topic = `${prefix}.c`;
    topics.push(topic);
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    const groupId = `${prefix}.c.${randomUUID().slice(0, 8)}`;
    const sut = consumer(kafka, topic, groupId);

    await sut.stop();
    await sut.start();

    expect(await members(groupId)).toBe(0);
  });

  it('WhenAStartFailsPartWay_ItCanBeStartedAgainAndConsumes', async () => {
    const topic = `${prefix}.b`;
    topics.push(topic);
    // One quick retry (the idempotent producer refuses none): subscribing to a topic that does
    // not exist yet fails at once, after the producer and the consumer have connected.
    const impatient = new Kafka({
      clientId: `consumer-life-${randomUUID().slice(0, 8)}`,
      brokers: [...infraConfig().kafkaBrokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
    });
    const seen: string[] = [];
    const sut = consumer(impatient, topic, `${prefix}.b.${randomUUID().slice(0, 8)}`, seen);

    await expect(sut.start()).rejects.toThrow();

    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    await sut.start();
    const event = thingEvent(randomUUID(), 1);
    const producer = testProducer(kafka);
    await producer.connect();
    await producer.send({ topic, messages: [toKafkaMessage(event)] });
    await producer.disconnect();
    await waitUntil('the restarted consumer handles the message', () => seen.includes(event.eventId), { timeoutMs: 30_000 });
  });
  it('WhenStoppedWhileRestartingAfterACrash_NothingStaysConnected', async () => {
    // The broker goes away under a running consumer: it crashes once kafkajs's retries run out
    // and is restarted on a timer. Shutdown then comes at a random point of the restart (timer
    // pending, connecting, joining): when stop() returns, no connection of the consumer may be
    // left open, or its join goes on after the service (or the test) has gone.
    const topic = `${prefix}.e`;
    topics.push(topic);
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    const seed = Number(process.env.RESTART_SEED ?? Date.now() % 100_000);
    let state = seed;
    const random = () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
    const left: string[] = [];
    for (let i = 0; i < 8; i++) {
      const fault = networkFault();
      const client = new Kafka({
        clientId: `consumer-life-${randomUUID().slice(0, 8)}`,
        brokers: [...infraConfig().kafkaBrokers],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 500,
        retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
        socketFactory: fault.socketFactory,
      });
      const sut = consumer(client, topic, `${prefix}.e.${randomUUID().slice(0, 8)}`, [], SESSION_MS);
      await sut.start();
      fault.cut();
      await waitUntil('the consumer to crash and retry', () => fault.refused >= 8, { timeoutMs: 30_000 });
      fault.restore();
      const gap = Math.floor(random() * 1_500);
      await new Promise((r) => setTimeout(r, gap));
      await sut.stop();
      if (fault.live) left.push(`stop ${gap} ms after the broker came back: ${fault.live} connection(s) open`);
    }
    expect({ seed, left }).toEqual({ seed, left: [] });
  }, 180_000);
});
