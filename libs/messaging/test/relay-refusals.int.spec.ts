import { z } from 'zod';
import { Registry } from 'prom-client';
import type { Pool } from 'pg';
import { ContractRegistry, defineContract, ENVELOPE_HEADERS, type EventEnvelope } from '@vanguard/contracts';
import { migrate, personal, PostgresEventStore, type AppendContext } from '@vanguard/event-store';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import {
  ensureTopics,
  EventStoreRelaySource,
  headerValue,
  migrateOutbox,
  OutboxRelaySource,
  PgOutbox,
  Relay,
  RELAY_DEAD_LETTER_TABLE,
  type RelaySource,
} from '../src';
import { collect, deleteTopics, kafkaClient, pledgeContracts, thingContract, thingEvent } from './support';

// The integration project's testTimeout sits in a project entry, where Jest ignores it.
jest.setTimeout(90_000);

const context: AppendContext = {
  actor: { sub: 'county.evaluator', roles: ['evaluator'], orgId: 'org-910425', kind: 'user' },
  orgId: 'org-910425',
  correlationId: 'relay-refusals-test',
};

// `topicFor` only matters to a source that names no topic; ours name the contract's.

/** The real source, with a hook after each read: where a test makes something happen between read and commit. */
function withHookAfterRead<C>(source: RelaySource<C>, afterRead: () => Promise<void>): { source: RelaySource<C>; reads(): number } {
  let reads = 0;
  return {
    source: {
      name: source.name,
      read: async (after, limit) => {
        const batch = await source.read(after, limit);
        reads += 1;
        await afterRead();
        return batch;
      },
      commit: (checkpoint) => source.commit(checkpoint),
      ...(source.deadLetter ? { deadLetter: (refused) => source.deadLetter!(refused) } : {}),
      close: () => source.close?.() ?? Promise.resolve(),
    },
    reads: () => reads,
  };
}

/** The events written to the outbox as one command's transaction writes them. */
async function addInOneTransaction(outbox: PgOutbox, events: readonly EventEnvelope[], pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await outbox.add(client, ...events);
    await client.query('commit');
  } finally {
    client.release();
  }
}

describe(`${Relay.name} leadership and refusals`, () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  const prefix = testTopicPrefix('relay-refusals');
  const topics: string[] = [];
  const kafka = kafkaClient();

  beforeAll(async () => {
    db = await createTestSchema('relay_refusals');
    await migrate(db.pool, { schema: db.schema });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
  });

  afterAll(async () => {
    await deleteTopics(kafka, topics);
    await db.drop();
  });

  async function newTopic(): Promise<string> {
    const topic = `${prefix}.t${topics.length}.events.v1`;
    topics.push(topic);
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    return topic;
  }

  async function appendPledges(stream: string, count: number): Promise<void> {
    await store.append(
      stream,
      Array.from({ length: count }, (_, i) => ({ type: 'evaluation.PledgeProgressReported', data: { v: i + 1 } })),
      { expectedVersion: 'no_stream', context },
    );
  }

  it('WhileAnotherInstanceLeads_AStandbyReadsWithoutCountingFailures', async () => {
    const topic = await newTopic();
    const contracts = pledgeContracts(topic);
    await appendPledges('pledge-standby', 20);
    const leader = new Relay({
      source: new EventStoreRelaySource(store, db.pool, { contracts, name: 'standby-test' }),
      kafka,
      idleDelayMs: 20,
      topicFor: () => topic,
    });
    leader.start();
    const metrics = new Registry();
    const standbySource = withHookAfterRead(new EventStoreRelaySource(store, db.pool, { contracts, name: 'standby-test' }), () =>
      Promise.resolve(),
    );
    const standby = new Relay({
      source: standbySource.source,
      kafka,
      idleDelayMs: 20,
      topicFor: () => topic,
      backoff: { initialMs: 20, maxMs: 100 },
      metrics,
    });
    try {
      await waitUntil('the leader to publish the backlog', () => leader.stats.published === 20);
      standby.start();
      await waitUntil('the standby to have read ten times', () => standbySource.reads() >= 10);
      const gauge = (await metrics.getSingleMetric('vanguard_relay_consecutive_failures')!.get()).values;
      expect({
        failures: standby.stats.consecutiveFailures,
        lastError: standby.stats.lastError,
        published: standby.stats.published,
      }).toEqual({
        failures: 0,
        lastError: undefined,
        published: 0,
      });
      expect(gauge.every((v) => v.value === 0)).toBe(true);
      expect(standby.stats.standby).toBe(true);
    } finally {
      await standby.stop();
      await leader.stop();
    }
  });

  it('WhenTheLeaderDiesBetweenAStandbysReadAndCommit_TheStandbyGoesOnFromTheCommittedCheckpoint', async () => {
    const topic = await newTopic();
    const contracts = pledgeContracts(topic);
    const name = 'takeover-test';
    await appendPledges('pledge-takeover', 50);
    const stored = Number((await db.pool.query<{ n: string }>(`select count(*) as n from "${db.schema}".events`)).rows[0]!.n);
    const leader = new Relay({
      source: new EventStoreRelaySource(store, db.pool, { contracts, name }),
      kafka,
      idleDelayMs: 20,
      topicFor: () => topic,
    });
    leader.start();
    let died = false;
    const standbySource = withHookAfterRead(new EventStoreRelaySource(store, db.pool, { contracts, name }), async () => {
      if (died) return;
      died = true;
      await leader.stop(); // the lock goes with it, right after the standby's read
    });
    const standby = new Relay({
      source: standbySource.source,
      kafka,
      idleDelayMs: 20,
      backoff: { initialMs: 20, maxMs: 100 },
      topicFor: () => topic,
    });
    const reader = await collect(kafka, topic);
    try {
      await waitUntil('the leader to publish and commit the backlog', () => leader.stats.published === stored);
      standby.start();
      await waitUntil('the standby to take over', () => died && standbySource.reads() >= 3);
      await store.append('pledge-after-takeover', [{ type: 'evaluation.PledgeMade', data: { v: 1 } }], {
        expectedVersion: 'no_stream',
        context,
      });
      await waitUntil(
        'the new event published and on the topic',
        () =>
          standby.stats.published >= 1 &&
          reader.messages.some((m) => headerValue(m.headers, ENVELOPE_HEADERS.streamId) === 'pledge-after-takeover'),
      );
      expect(standby.stats.published).toBe(1);
      expect(reader.messages).toHaveLength(stored + 1);
    } finally {
      await standby.stop();
      await leader.stop();
      await reader.stop();
    }
  });

  it('WhenKafkaRefusesRecords_DeadLettersEachWithTheReasonAndPublishesTheOthersInOrder', async () => {
    const topic = await newTopic();
    const missingTopic = `${prefix}.missing.events.v1`;
    const contracts = new ContractRegistry([
      thingContract(topic),
      defineContract({
        context: 'msgtest',
        name: 'LostHappened',
        version: 1,
        stream: 'thing',
        topic: missingTopic,
        description: 'a contract whose topic nobody created',
        schema: z.object({ n: z.number().int() }),
      }),
    ]);
    const table = 'outbox_refusals';
    await migrateOutbox(db.pool, { table });
    await db.pool.query(`drop table if exists ${RELAY_DEAD_LETTER_TABLE}`); // the relay creates it where an older migration did not
    const outbox = new PgOutbox({ contracts, table });
    const tooLarge = thingEvent('refused', 2, { n: 2, note: 'x'.repeat(2_000_000) });
    const unknownTopic = { ...thingEvent('refused', 4, { n: 4 }), type: 'msgtest.LostHappened' };
    const events = [thingEvent('refused', 1), tooLarge, thingEvent('refused', 3), unknownTopic, thingEvent('refused', 5)];
    await addInOneTransaction(outbox, events, db.pool);
    const source = new OutboxRelaySource(db.pool, { table });
    const sut = new Relay({ source, kafka, idleDelayMs: 20, backoff: { initialMs: 50, maxMs: 200 } });
    const reader = await collect(kafka, topic);
    sut.start();
    try {
      await waitUntil('the outbox to drain', async () => (await source.backlog()) === 0, { timeoutMs: 60_000 });
      await waitUntil('three events on the topic', () => reader.messages.length >= 3);
      expect(reader.messages.map((m) => Number(headerValue(m.headers, ENVELOPE_HEADERS.streamVersion)))).toEqual([1, 3, 5]);
      const { rows } = await db.pool.query<{ event_id: string; reason: string; error: string; topic: string; size: number }>(
        `select event_id, reason, error, topic, octet_length(envelope::text) as size from ${RELAY_DEAD_LETTER_TABLE}
          where source = $1 order by stream_version`,
        [source.name],
      );
      expect(rows.map((r) => [r.event_id, r.reason, r.topic])).toEqual([
        [tooLarge.eventId, 'too-large', topic],
        [unknownTopic.eventId, 'unknown-topic', missingTopic],
      ]);
      expect(rows[0]!.error).toMatch(/larger than the max message size/);
      expect(rows[0]!.size).toBeGreaterThan(2_000_000); // the record is kept whole, for a re-drive
      expect(sut.stats).toEqual(expect.objectContaining({ published: 3, deadLettered: 2, consecutiveFailures: 0 }));
    } finally {
      await sut.stop();
      await reader.stop();
    }
  });

  it('WhenABatchIsLargerThanOneRequest_PublishesItInRequestsUnderTheBrokersLimit_NotOneRecordAtATime', async () => {
    const topic = await newTopic(); // one partition: the whole batch is one partition's share
    const contracts = new ContractRegistry([thingContract(topic)]);
    const table = 'outbox_large_batch';
    await migrateOutbox(db.pool, { table });
    const outbox = new PgOutbox({ contracts, table });
    // 500 a read × ~2.6 KB: about 1.3 MB, over the broker's 1 MB for one request.
    const events = Array.from({ length: 1_000 }, (_, i) => thingEvent('large-batch', i + 1, { n: i + 1, note: 'x'.repeat(2_500) }));
    await addInOneTransaction(outbox, events, db.pool);
    // The broker's own count of produce requests, from kafkajs's instrumentation of the relay's producer.
    let produceRequests = 0;
    const counted = new Proxy(kafka, {
      get(target, prop) {
        if (prop !== 'producer') return Reflect.get(target, prop, target) as unknown;
        return (...args: Parameters<typeof kafka.producer>) => {
          // eslint-disable-next-line no-restricted-syntax -- the relay under test gets the producer it asked for (idempotent), only counted
          const producer = target.producer(...args);
          producer.on(producer.events.REQUEST, (e) => {
            if (e.payload.apiName === 'Produce') produceRequests += 1;
          });
          return producer;
        };
      },
    });
    const source = new OutboxRelaySource(db.pool, { table });
    const sut = new Relay({ source, kafka: counted, idleDelayMs: 20, backoff: { initialMs: 50, maxMs: 200 } });
    const reader = await collect(kafka, topic);
    sut.start();
    try {
      await waitUntil('the outbox to drain', async () => (await source.backlog()) === 0, { timeoutMs: 60_000 });
      await waitUntil('every event on the topic', () => reader.messages.length >= events.length, { timeoutMs: 60_000 });
      expect(reader.messages.map((m) => Number(headerValue(m.headers, ENVELOPE_HEADERS.streamVersion)))).toEqual(
        events.map((e) => e.streamVersion),
      );
      expect(sut.stats).toEqual(expect.objectContaining({ published: events.length, deadLettered: 0 }));
      // Two reads of 500, each in two or three requests; one record at a time would be a thousand.
      expect(produceRequests).toBeLessThanOrEqual(10);
    } finally {
      await sut.stop();
      await reader.stop();
    }
  });

  it('WhenAStoredEventHoldsPersonalValues_PublishesItsContractFormAndDeadLettersWhatCannotGoOut', async () => {
    const topic = await newTopic();
    const contracts = pledgeContracts(topic);
    // PledgeMade's contract has no `name`: the public form drops it. PledgeProgressReported's `v`
    // must be a number: an encrypted value there does not fit, and is not published at all.
    await store.append('pledge-personal', [{ type: 'evaluation.PledgeMade', data: { v: 7, name: personal('member-m1', '张三') } }], {
      expectedVersion: 'no_stream',
      context,
    });
    await store.append('pledge-personal-v', [{ type: 'evaluation.PledgeProgressReported', data: { v: personal('member-m1', 8) } }], {
      expectedVersion: 'no_stream',
      context,
    });
    await store.append('pledge-not-a-contract', [{ type: 'evaluation.PledgeWithdrawn', data: { v: 9 } }], {
      expectedVersion: 'no_stream',
      context,
    });
    const sut = new Relay({
      source: new EventStoreRelaySource(store, db.pool, { contracts, name: 'personal-test' }),
      kafka,
      idleDelayMs: 20,
      topicFor: () => topic,
    });
    const reader = await collect(kafka, topic);
    sut.start();
    try {
      await waitUntil('the public form on the topic', () =>
        reader.messages.find((m) => headerValue(m.headers, ENVELOPE_HEADERS.streamId) === 'pledge-personal'),
      );
      const published = reader.messages.find((m) => headerValue(m.headers, ENVELOPE_HEADERS.streamId) === 'pledge-personal')!;
      expect(JSON.parse(String(published.value)).data).toEqual({ v: 7 });
      expect(reader.messages.filter((m) => String(m.value).includes('$personal'))).toEqual([]);
      const { rows } = await waitUntil('the refused events dead-lettered', async () => {
        const r = await db.pool.query<{ stream_id: string; reason: string; error: string }>(
          `select stream_id, reason, error from "${db.schema}".${RELAY_DEAD_LETTER_TABLE} where source = 'personal-test' order by stream_id`,
        );
        return r.rows.length >= 2 && r;
      });
      expect(rows.map((r) => [r.stream_id, r.reason])).toEqual([
        ['pledge-not-a-contract', 'contract-violation'],
        ['pledge-personal-v', 'contract-violation'],
      ]);
      expect(rows[0]!.error).toMatch(/unknown-type/);
      expect(rows[1]!.error).toMatch(/data: v/);
    } finally {
      await sut.stop();
      await reader.stop();
    }
  });
});
