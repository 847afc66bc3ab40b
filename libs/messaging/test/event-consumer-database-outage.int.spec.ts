import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import type { Admin, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { ContractRegistry, deadLetterTopic, type EventEnvelope } from '@vanguard/contracts';
import { createTestSchema, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { ensureTopics, EventConsumer, migrateInbox, PgInbox, toKafkaMessage } from '../src';
import { deleteTopics, kafkaClient, thingContract, thingEvent } from './support';

// The integration project's testTimeout sits in a project entry, where Jest ignores it.
jest.setTimeout(60_000);

/**
 * The consumer's own database refusing every connection (a role held at `connection limit 0`:
 * Postgres answers 53300, too many connections) for longer than the retry policy's budget, on
 * the inbox path. Before, each message was retried `maxAttempts` times, then dead-lettered as
 * `handler-failed` and its offset committed: valid events lost to a short outage.
 */
describe(`${EventConsumer.name} through an outage of its database`, () => {
  let db: TestSchema;
  let admin: Admin;
  let producer: Producer;
  /** The consumers' pools: they log in as `role`, which a test keeps out, then lets in. */
  const pools: Pool[] = [];
  const role = `msg_outage_${randomUUID().slice(0, 8)}`;
  const kafka = kafkaClient();
  const prefix = testTopicPrefix('consumer-outage');
  const topics: string[] = [];
  const contracts = new ContractRegistry([thingContract(`${prefix}.any`)]);
  const running: EventConsumer<PoolClient>[] = [];
  // Two attempts 20–80 ms apart: any outage past a fraction of a second used to exhaust it.
  const retry = { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 80, jitter: 0 };

  const setConnectionLimit = (limit: number) => db.pool.query(`alter role ${role} connection limit ${limit}`);

  beforeAll(async () => {
    db = await createTestSchema('consumer_outage');
    await migrateInbox(db.pool);
    await db.pool.query('create table effects (event_id uuid not null, consumer text not null)');
    await db.pool.query(`create role ${role} login password 'outage'`);
    await db.pool.query(`grant usage on schema "${db.schema}" to ${role}`);
    await db.pool.query(`grant select, insert on all tables in schema "${db.schema}" to ${role}`);
    admin = kafka.admin();
    await admin.connect();
    producer = testProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await deleteTopics(kafka, topics);
    await db.pool.query(`drop owned by ${role}`);
    await db.pool.query(`drop role if exists ${role}`);
    await db.drop();
  });

  async function newTopic(): Promise<string> {
    const topic = `${prefix}.t${topics.length}`;
    topics.push(topic);
    await ensureTopics(kafka, [topic], { numPartitions: 2 });
    return topic;
  }

  /** Postgres refuses the role every new connection from now on (53300), and a pool of its own with none open yet. */
  async function databaseDown(): Promise<Pool> {
    await setConnectionLimit(0);
    const url = new URL(db.url);
    url.username = role;
    url.password = 'outage';
    const pool = new Pool({ connectionString: url.toString(), max: 3, connectionTimeoutMillis: 2_000 });
    pools.push(pool);
    return pool;
  }

  function start(topic: string, groupId: string, metrics: Registry, pool: Pool): Promise<EventConsumer<PoolClient>> {
    const sut = new EventConsumer<PoolClient>({
      kafka,
      groupId,
      topics: [topic],
      contracts,
      inbox: new PgInbox(pool),
      handlers: {
        'msgtest.ThingHappened': async (e, { tx }) => {
          await tx.query('insert into effects (event_id, consumer) values ($1, $2)', [e.eventId, groupId]);
        },
      },
      retry,
      metrics,
      maxWaitTimeInMs: 100,
    });
    running.push(sut);
    return sut.start().then(() => sut);
  }

  async function outcomes(metrics: Registry, outcome: string): Promise<number> {
    const m = await metrics.getSingleMetric('vanguard_consumer_messages_total')?.get();
    return (m?.values ?? []).filter((v) => v.labels['outcome'] === outcome).reduce((n, v) => n + v.value, 0);
  }

  /** Each event id handled by `groupId`, with how many times its effect was written. */
  async function applied(groupId: string): Promise<Record<string, number>> {
    const { rows } = await db.pool.query<{ event_id: string; n: number }>(
      'select event_id, count(*)::int n from effects where consumer = $1 group by event_id',
      [groupId],
    );
    return Object.fromEntries(rows.map((r) => [r.event_id, r.n]));
  }

  /** The group's committed offset per partition ('0' when none: nothing of it read). */
  async function committed(groupId: string, topic: string): Promise<string[]> {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return t!.partitions.sort((a, b) => a.partition - b.partition).map((p) => (p.offset === '-1' ? '0' : p.offset));
  }

  async function endOffsets(topic: string): Promise<string[]> {
    return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => p.high);
  }

  async function deadLetters(topic: string): Promise<number> {
    return (await endOffsets(deadLetterTopic(topic))).reduce((n, high) => n + Number(high), 0);
  }

  async function publish(topic: string, events: readonly EventEnvelope[]): Promise<void> {
    await producer.send({ topic, acks: -1, messages: events.map(toKafkaMessage) });
  }

  /** Waits until the consumer has retried `n` times in all, or dead-lettered anything (the old verdict). */
  const outageOutlasts = (metrics: Registry, n: number) =>
    waitUntil(
      `${n} retries or a dead letter`,
      async () => (await outcomes(metrics, 'retried')) >= n || (await outcomes(metrics, 'dead_lettered')) > 0,
    );

  /** Waits until every event is applied and every offset committed, then checks each was applied once. */
  const appliedOnceAndCommitted = async (topic: string, group: string, events: readonly { eventId: string }[]) => {
    const end = await endOffsets(topic);
    await waitUntil('every event applied and every offset committed', async () => {
      const done = Object.keys(await applied(group)).length === events.length;
      return done && JSON.stringify(await committed(group, topic)) === JSON.stringify(end);
    });
    expect(await applied(group)).toEqual(Object.fromEntries(events.map((e) => [e.eventId, 1])));
  };

  it('WhenItsDatabaseRefusesConnectionsPastTheRetryBudget_NothingIsDeadLettered_AndEveryEventIsAppliedOnceAfterwards', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const events = ['a', 'b', 'c', 'd', 'e', 'f'].flatMap((s) => [thingEvent(s, 1), thingEvent(s, 2)]);
    await publish(topic, events);
    const pool = await databaseDown();
    const metrics = new Registry();
    await start(topic, group, metrics, pool);

    // Three times the attempts the policy allows all the messages together: far past the budget of every one.
    await outageOutlasts(metrics, 3 * retry.maxAttempts * events.length);
    expect(await outcomes(metrics, 'dead_lettered')).toBe(0);
    await setConnectionLimit(-1);

    await appliedOnceAndCommitted(topic, group, events);
    expect(await outcomes(metrics, 'processed')).toBe(events.length);
    expect(await outcomes(metrics, 'dead_lettered')).toBe(0);
    expect(await deadLetters(topic)).toBe(0);
    const { rows } = await db.pool.query<{ n: number }>('select count(*)::int n from vanguard_inbox where consumer = $1', [group]);
    expect(rows[0]!.n).toBe(events.length);
  });

  it('WhenStoppedDuringTheOutage_StopsPromptly_CommittingNothing_AndTheNextMemberAppliesEverythingOnce', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const events = ['a', 'b', 'c'].map((s) => thingEvent(s, 1));
    await publish(topic, events);
    const pool = await databaseDown();
    const first = new Registry();
    const sut = await start(topic, group, first, pool);
    await outageOutlasts(first, 2 * retry.maxAttempts * events.length);

    running.splice(running.indexOf(sut), 1);
    const stopping = Date.now();
    await sut.stop();
    // A wait is cut short by the stop (checked every 100 ms): only the fetch in flight and leaving the group remain.
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(await outcomes(first, 'dead_lettered')).toBe(0);
    expect(await committed(group, topic)).toEqual(['0', '0']);

    const second = new Registry();
    await start(topic, group, second, pool);
    await outageOutlasts(second, 2 * retry.maxAttempts * events.length);
    expect(await outcomes(second, 'dead_lettered')).toBe(0);
    await setConnectionLimit(-1);
    await appliedOnceAndCommitted(topic, group, events);
    expect(await outcomes(second, 'dead_lettered')).toBe(0);
    expect(await deadLetters(topic)).toBe(0);
  });

  it('WhenStoppedDuringTheOutage_ARejectBehindAWaitingEventIsDeadLetteredOnce_ByTheNextMember', async () => {
    // One partition: a valid event, garbage, a valid event. Before, the garbage was dead-lettered
    // at once, its offset stayed behind the first event's, and the next member dead-lettered it again.
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const events = [thingEvent('a', 1), thingEvent('b', 1)];
    const [a, b] = events.map(toKafkaMessage);
    await producer.send({ topic, acks: -1, messages: [a!, { value: '{ not json' }, b!].map((m) => ({ ...m, partition: 0 })) });
    const pool = await databaseDown();
    const first = new Registry();
    const sut = await start(topic, group, first, pool);
    await outageOutlasts(first, 2 * retry.maxAttempts);
    running.splice(running.indexOf(sut), 1);
    await sut.stop();
    expect(await deadLetters(topic)).toBe(0);

    const second = new Registry();
    await start(topic, group, second, pool);
    await outageOutlasts(second, 2 * retry.maxAttempts);
    await setConnectionLimit(-1);
    await appliedOnceAndCommitted(topic, group, events);
    // Once in all: the garbage has no key, so the producer picks its dead letter's partition.
    expect(await deadLetters(topic)).toBe(1);
  });
});
