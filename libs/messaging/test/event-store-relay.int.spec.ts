import { ENVELOPE_HEADERS } from '@vanguard/contracts';
import { migrate, PostgresEventStore, type AppendContext } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { EventStoreRelaySource, ensureTopics, headerValue, Relay } from '../src';
import { brokerGate, collect, deleteTopics, kafkaClient, pledgeContracts } from './support';

const STREAMS = 100;
const VERSIONS = 100; // 10,000 events
const WRITERS = 10;
const context: AppendContext = {
  actor: { sub: 'county.evaluator', roles: ['evaluator'], orgId: 'org-910425', kind: 'user' },
  orgId: 'org-910425',
  correlationId: 'relay-test',
};

describe(EventStoreRelaySource.name, () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  const topic = `${testTopicPrefix('store-relay')}.events.v1`;
  const kafka = kafkaClient();

  beforeAll(async () => {
    db = await createTestSchema('store_relay');
    await migrate(db.pool, { schema: db.schema });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
    await ensureTopics(kafka, [topic], { numPartitions: 3 });
  });

  afterAll(async () => {
    await deleteTopics(kafka, [topic]);
    await db.drop();
  });

  it('WhenKafkaIsUnreachableWhileEventsAreAppended_PublishesAllOfThemInStreamOrderOnceItIsBack', async () => {
    const gate = await brokerGate(infraConfig().kafkaBrokers[0]!);
    const source = new EventStoreRelaySource(store, db.pool, { contracts: pledgeContracts(topic) });
    const sut = new Relay({
      source,
      kafka: kafkaClient([gate.address]),
      batchSize: 1000,
      idleDelayMs: 20,
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    const appended: string[] = [];
    try {
      sut.start();
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let v = 1; v <= VERSIONS; v++) {
            for (let i = 0; i < STREAMS / WRITERS; i++) {
              const eventId = crypto.randomUUID();
              await store.append(`pledge-${w}x${i}`, [{ type: 'evaluation.PledgeProgressReported', eventId, data: { v } }], {
                expectedVersion: v - 1,
                context,
              });
              appended.push(eventId);
            }
          }
        }),
      );
      await waitUntil('the relay to have failed against the closed gate', () => sut.stats.consecutiveFailures >= 2);
      expect(sut.stats.published).toBe(0);

      gate.open();
      await waitUntil('every appended event to be published', () => sut.stats.published >= appended.length, { timeoutMs: 90_000 });
    } finally {
      await sut.stop();
      await gate.close();
    }

    const reader = await collect(kafka, topic);
    try {
      const ids = () => new Set(reader.messages.map((m) => headerValue(m.headers, ENVELOPE_HEADERS.eventId)));
      await waitUntil('every event on the topic', () => ids().size >= appended.length, { timeoutMs: 60_000 });
      const seen = ids();
      expect(appended.filter((id) => !seen.has(id))).toEqual([]);
      expect(reader.messages.length - seen.size).toBe(0);
      const versions = new Map<string, number[]>();
      for (const m of reader.messages)
        versions.set(String(m.key), [
          ...(versions.get(String(m.key)) ?? []),
          Number(headerValue(m.headers, ENVELOPE_HEADERS.streamVersion)),
        ]);
      expect(versions.size).toBe(STREAMS);
      for (const v of versions.values()) expect(v).toEqual(Array.from({ length: VERSIONS }, (_, i) => i + 1));
    } finally {
      await reader.stop();
    }
  }, 240_000);

  it('WhenRestarted_ContinuesFromTheDurableCheckpointWithoutRepublishing', async () => {
    const name = 'restart-relay';
    const restartTopic = `${topic}.restart`;
    await ensureTopics(kafka, [restartTopic], { numPartitions: 1 });
    const first = new Relay({
      source: new EventStoreRelaySource(store, db.pool, { contracts: pledgeContracts(restartTopic), name }),
      kafka,
      batchSize: 100,
      idleDelayMs: 20,
    });
    first.start();
    await waitUntil('the first relay to catch up', () => first.stats.published >= STREAMS * VERSIONS);
    await first.stop();
    const before = first.stats.published;
    await store.append('pledge-late', [{ type: 'evaluation.PledgeMade', data: { late: true } }], { expectedVersion: 'no_stream', context });

    const second = new Relay({
      source: new EventStoreRelaySource(store, db.pool, { contracts: pledgeContracts(restartTopic), name }),
      kafka,
      batchSize: 100,
      idleDelayMs: 20,
    });
    second.start();
    try {
      await waitUntil('the second relay to publish the late event', () => second.stats.published >= 1);
    } finally {
      await second.stop();
    }

    expect(before).toBe(STREAMS * VERSIONS);
    expect(second.stats.published).toBe(1);
  });
});
