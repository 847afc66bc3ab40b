import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { ContractRegistry, deadLetterTopic, type EventEnvelope } from '@vanguard/contracts';
import { createTestSchema, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import {
  DEAD_LETTER_HEADERS,
  ensureTopics,
  EventConsumer,
  headerValue,
  migrateInbox,
  PgInbox,
  toKafkaMessage,
  type EventHandler,
} from '../src';
import { collect, deleteTopics, kafkaClient, thingContract, thingEvent } from './support';

// The integration project's testTimeout sits in a project entry, where Jest ignores it.
jest.setTimeout(60_000);

describe(EventConsumer.name, () => {
  let db: TestSchema;
  let producer: Producer;
  const kafka = kafkaClient();
  const prefix = testTopicPrefix('consumer');
  const topics: string[] = [];
  const contracts = new ContractRegistry([thingContract(`${prefix}.any`)]);
  const running: EventConsumer<PoolClient>[] = [];

  beforeAll(async () => {
    db = await createTestSchema('consumer');
    await migrateInbox(db.pool);
    await db.pool.query('create table effects (event_id uuid not null, consumer text not null)');
    producer = testProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await deleteTopics(kafka, topics);
    await db.drop();
  });

  async function newTopic(): Promise<string> {
    const topic = `${prefix}.t${topics.length}`;
    topics.push(topic);
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    return topic;
  }

  const publish = (topic: string, ...events: EventEnvelope[]) => producer.send({ topic, messages: events.map(toKafkaMessage) });

  /** The effect: one row per handled event, written with the inbox transaction. */
  const recordEffect =
    (consumer: string): EventHandler<PoolClient> =>
    async (e, { tx }) => {
      await tx.query('insert into effects (event_id, consumer) values ($1, $2)', [e.eventId, consumer]);
    };

  async function effects(consumer: string): Promise<string[]> {
    const { rows } = await db.pool.query<{ event_id: string }>('select event_id from effects where consumer = $1 order by event_id', [
      consumer,
    ]);
    return rows.map((r) => r.event_id);
  }

  async function outcomes(metrics: Registry, outcome: string): Promise<number> {
    const m = await metrics.getSingleMetric('vanguard_consumer_messages_total')!.get();
    return m.values.filter((v) => v.labels['outcome'] === outcome).reduce((n, v) => n + v.value, 0);
  }

  async function start(
    topic: string,
    groupId: string,
    handlers: Record<string, EventHandler<PoolClient>>,
    metrics = new Registry(),
    maxAttempts = 3,
  ) {
    const sut = new EventConsumer<PoolClient>({
      kafka,
      groupId,
      topics: [topic],
      contracts,
      inbox: new PgInbox(db.pool),
      handlers,
      retry: { maxAttempts, initialDelayMs: 50, maxDelayMs: 200, jitter: 0 },
      metrics,
      // stop() waits for the fetch in flight: a short one keeps each test's teardown short.
      maxWaitTimeInMs: 100,
    });
    running.push(sut);
    await sut.start();
    return sut;
  }

  async function stop(sut: EventConsumer<PoolClient>) {
    running.splice(running.indexOf(sut), 1);
    await sut.stop();
  }

  it('WhenMessagesAreRedelivered_TheEffectHappensOnce', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const events = [thingEvent('a', 1), thingEvent('a', 2), thingEvent('b', 1)];
    // The last message repeats the first, as a relay that crashed before its checkpoint would.
    await publish(topic, ...events, events[0]!);
    const metrics = new Registry();

    const first = await start(topic, group, { 'msgtest.ThingHappened': recordEffect(group) }, metrics);
    await waitUntil(
      '3 processed and 1 duplicate',
      async () => (await outcomes(metrics, 'processed')) === 3 && (await outcomes(metrics, 'duplicate')) === 1,
    );
    await stop(first);

    // Force redelivery of everything: rewind the group to the start of the topic.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: group, topic, earliest: true });
    await admin.disconnect();

    await start(topic, group, { 'msgtest.ThingHappened': recordEffect(group) }, metrics);
    await waitUntil('all 4 messages redelivered as duplicates', async () => (await outcomes(metrics, 'duplicate')) === 5);
    expect(await outcomes(metrics, 'processed')).toBe(3);
    expect(await effects(group)).toEqual(events.map((e) => e.eventId).sort());
  });

  it('WhenTheHandlerFailsTransiently_RetriesAndTheEffectHappensOnce', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const event = thingEvent('c', 1);
    const attempts: number[] = [];
    const metrics = new Registry();
    await start(
      topic,
      group,
      {
        'msgtest.ThingHappened': async (e, ctx) => {
          attempts.push(ctx.attempt);
          await recordEffect(group)(e, ctx); // written, then rolled back with the inbox row on failure
          if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
        },
      },
      metrics,
    );
    await publish(topic, event);
    await waitUntil('processed after retries', async () => (await outcomes(metrics, 'processed')) === 1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(await outcomes(metrics, 'retried')).toBe(2);
    expect(await effects(group)).toEqual([event.eventId]);
  });

  it('WhenMessagesArriveTogether_HandlesThemInOneInboxTransaction', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const events = Array.from({ length: 50 }, (_, i) => thingEvent('batch', i + 1));
    await publish(topic, ...events);
    const metrics = new Registry();
    await start(topic, group, { 'msgtest.ThingHappened': recordEffect(group) }, metrics);
    await waitUntil('50 processed', async () => (await outcomes(metrics, 'processed')) === 50);
    // xmin is the id of the transaction that wrote the row: one for all 50 effects and inbox rows.
    const { rows } = await db.pool.query<{ n: string }>(
      `select count(distinct e.xmin::text) as n from effects e join vanguard_inbox i on i.event_id = e.event_id and i.consumer = $1
        where e.consumer = $1 and i.xmin::text = e.xmin::text`,
      [group],
    );
    expect(rows[0]!.n).toBe('1');
    expect(await effects(group)).toEqual(events.map((e) => e.eventId).sort());
  });

  it('WhenOneMessageOfABatchFails_TheOthersTakeEffectOnceAndOnlyThatOneIsRetried', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const events = [1, 2, 3, 4, 5].map((v) => thingEvent('mixed', v, { n: v }));
    await publish(topic, ...events);
    const attempts = new Map<number, number[]>();
    const metrics = new Registry();
    await start(
      topic,
      group,
      {
        'msgtest.ThingHappened': async (e, ctx) => {
          const n = (e.data as { n: number }).n;
          attempts.set(n, [...(attempts.get(n) ?? []), ctx.attempt]);
          await recordEffect(group)(e, ctx);
          if (n === 3 && ctx.attempt === 1) throw new Error('three fails once');
        },
      },
      metrics,
    );
    await waitUntil('5 processed', async () => (await outcomes(metrics, 'processed')) === 5);
    expect(await outcomes(metrics, 'retried')).toBe(1);
    expect(attempts.get(3)).toEqual([1, 2]);
    expect(await effects(group)).toEqual(events.map((e) => e.eventId).sort());
  });

  it('WhenAHandlerSwallowsADatabaseError_TheBatchIsNotReportedProcessedAndOnlyThatMessageIsDeadLettered', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const events = [1, 2, 3, 4, 5].map((v) => thingEvent('swallow', v, { n: v }));
    await publish(topic, ...events);
    const metrics = new Registry();
    const dlq = await collect(kafka, deadLetterTopic(topic));
    try {
      await start(
        topic,
        group,
        {
          'msgtest.ThingHappened': async (e, ctx) => {
            await recordEffect(group)(e, ctx);
            if ((e.data as { n: number }).n !== 3) return;
            // A handler that "tolerates" a failed statement: Postgres has aborted the transaction anyway.
            try {
              await ctx.tx.query('select 1 / 0');
            } catch {
              /* swallowed on purpose */
            }
          },
        },
        metrics,
      );
      await waitUntil('the swallowing message on the DLQ', () => dlq.messages.length === 1);
      await waitUntil('the other 4 processed', async () => (await outcomes(metrics, 'processed')) === 4);
      const h = (name: string) => headerValue(dlq.messages[0]!.headers, name);
      expect(JSON.parse(String(dlq.messages[0]!.value)).eventId).toBe(events[2]!.eventId);
      expect(h(DEAD_LETTER_HEADERS.error)).toMatch(/^SwallowedDatabaseError: /);
      expect(h(DEAD_LETTER_HEADERS.attempts)).toBe('3');
      const others = events.filter((_, i) => i !== 2).map((e) => e.eventId);
      expect(await effects(group)).toEqual([...others].sort());
      const { rows } = await db.pool.query<{ event_id: string }>(
        'select event_id from vanguard_inbox where consumer = $1 order by event_id',
        [group],
      );
      expect(rows.map((r) => r.event_id)).toEqual([...others].sort());
    } finally {
      await dlq.stop();
    }
  });

  it('WhenTheBatchCommitFailsThroughNoHandlersFault_NoMessageSpendsAnAttemptOrIsDeadLettered', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const tag = randomUUID().replace(/-/g, '').slice(0, 12);
    // A deferred constraint trigger runs at COMMIT; a sequence is not transactional, so only the first commit fails.
    await db.pool.query(`create sequence commits_${tag}`);
    await db.pool.query(
      `create function fail_first_commit_${tag}() returns trigger language plpgsql as $fn$
       begin
         if new.consumer = '${group}' and nextval('commits_${tag}') = 1 then raise exception 'the first commit fails'; end if;
         return null;
       end $fn$`,
    );
    await db.pool.query(
      `create constraint trigger fail_first_commit_${tag} after insert on vanguard_inbox
         deferrable initially deferred for each row execute function fail_first_commit_${tag}()`,
    );
    try {
      const events = [1, 2, 3].map((v) => thingEvent('commit', v, { n: v }));
      await publish(topic, ...events);
      const attempts: number[] = [];
      const metrics = new Registry();
      // One attempt each: a handler charged with the commit's failure would be dead-lettered at once.
      await start(
        topic,
        group,
        {
          'msgtest.ThingHappened': async (e, ctx) => {
            attempts.push(ctx.attempt);
            await recordEffect(group)(e, ctx);
          },
        },
        metrics,
        1,
      );
      await waitUntil('3 processed', async () => (await outcomes(metrics, 'processed')) === 3);
      expect(await outcomes(metrics, 'dead_lettered')).toBe(0);
      expect(attempts).toEqual([1, 1, 1, 1, 1, 1]); // the batch, then each message on its own
      expect(await effects(group)).toEqual(events.map((e) => e.eventId).sort());
    } finally {
      await db.pool.query(`drop trigger fail_first_commit_${tag} on vanguard_inbox`);
    }
  });

  it('WhenRetriesAreExhausted_DeadLettersWithTheErrorAndOriginAndMovesOn', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const poison = thingEvent('d', 1, { n: 13 });
    const next = thingEvent('d', 2, { n: 14 });
    const metrics = new Registry();
    const dlq = await collect(kafka, deadLetterTopic(topic));
    try {
      await start(
        topic,
        group,
        {
          'msgtest.ThingHappened': async (e, ctx) => {
            await recordEffect(group)(e, ctx);
            if ((e.data as { n: number }).n === 13) throw new Error('thirteen is unlucky');
          },
        },
        metrics,
      );
      await publish(topic, poison, next);
      await waitUntil('the next event processed', async () => (await effects(group)).includes(next.eventId));
      await waitUntil('the poison message on the DLQ', () => dlq.messages.length === 1);
      const h = (name: string) => headerValue(dlq.messages[0]!.headers, name);
      expect(h(DEAD_LETTER_HEADERS.reason)).toBe('handler-failed');
      expect(h(DEAD_LETTER_HEADERS.error)).toBe('Error: thirteen is unlucky');
      expect(h(DEAD_LETTER_HEADERS.originalTopic)).toBe(topic);
      expect(h(DEAD_LETTER_HEADERS.originalPartition)).toBe('0');
      expect(h(DEAD_LETTER_HEADERS.originalOffset)).toBe('0');
      expect(h(DEAD_LETTER_HEADERS.attempts)).toBe('3');
      expect(JSON.parse(String(dlq.messages[0]!.value)).eventId).toBe(poison.eventId);
      // The failed attempts' effects rolled back with their inbox rows.
      expect(await effects(group)).toEqual([next.eventId]);
    } finally {
      await dlq.stop();
    }
  });

  it('WhenAMessageIsMalformed_DeadLettersItAtOnceWithTheReason', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const calls: string[] = [];
    const dlq = await collect(kafka, deadLetterTopic(topic));
    try {
      await start(topic, group, { 'msgtest.ThingHappened': (e) => Promise.resolve(void calls.push(e.eventId)) });
      const good = thingEvent('e', 1);
      await producer.send({
        topic,
        messages: [
          { key: 'x', value: '{"this is": not json' },
          toKafkaMessage({ ...thingEvent('e', 1), type: 'msgtest.NobodyKnowsMe' }),
          toKafkaMessage(thingEvent('e', 1, { n: 'one' })),
          { key: 'y', value: JSON.stringify({ hello: 'world' }) },
          toKafkaMessage(good),
        ],
      });
      await waitUntil('4 dead letters', () => dlq.messages.length === 4);
      await waitUntil('the good event handled', () => calls.includes(good.eventId));
      const reasons = dlq.messages
        .map((m) => [
          headerValue(m.headers, DEAD_LETTER_HEADERS.originalOffset),
          headerValue(m.headers, DEAD_LETTER_HEADERS.reason),
          headerValue(m.headers, DEAD_LETTER_HEADERS.attempts),
        ])
        .sort();
      expect(reasons).toEqual([
        ['0', 'malformed-json', '0'],
        ['1', 'unknown-type', '0'],
        ['2', 'schema-violation', '0'],
        ['3', 'malformed-envelope', '0'],
      ]);
      expect(
        headerValue(
          dlq.messages.find((m) => headerValue(m.headers, DEAD_LETTER_HEADERS.reason) === 'schema-violation')!.headers,
          DEAD_LETTER_HEADERS.error,
        ),
      ).toMatch(/data: n/);
      expect(calls).toEqual([good.eventId]);
    } finally {
      await dlq.stop();
    }
  });

  it('WhileMessagesWait_ExposesTheLagAsAGaugeThatDrainsToZero', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const metrics = new Registry();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await publish(topic, ...[1, 2, 3, 4, 5].map((v) => thingEvent('f', v)));
    await start(topic, group, { 'msgtest.ThingHappened': () => gate }, metrics);
    const lag = async () =>
      (await metrics.getSingleMetric('vanguard_consumer_lag')!.get()).values.find((v) => v.labels['topic'] === topic)?.value;
    await waitUntil('lag 5 while the first message is in hand', async () => (await lag()) === 5);
    release();
    await waitUntil('lag drained', async () => (await lag()) === 0);
    expect(await outcomes(metrics, 'processed')).toBe(5);
  });

  it('WhenStoppedMidBatch_FinishesTheBatchCommitsItAndLeavesTheGroup', async () => {
    const topic = await newTopic();
    const group = `g-${randomUUID()}`;
    const events = [thingEvent('g', 1), thingEvent('g', 2), thingEvent('g', 3)];
    await publish(topic, ...events);
    let entered = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = await start(topic, group, {
      'msgtest.ThingHappened': async (e, ctx) => {
        entered = true;
        await gate;
        await recordEffect(group)(e, ctx);
      },
    });
    await waitUntil('the first message in hand', () => entered);
    const stopping = stop(sut);
    release();
    await stopping;

    expect(await effects(group)).toEqual(events.map((e) => e.eventId).sort());
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(committed!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '3' })]);
      const { groups } = await admin.describeGroups([group]);
      expect(groups[0]!.members).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
