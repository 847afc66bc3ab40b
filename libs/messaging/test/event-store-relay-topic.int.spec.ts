import { migrate, PostgresEventStore, type AppendContext } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { ConfigResourceTypes } from 'kafkajs';
import { createLedTopics, createTestSchema, readTopicToEnd, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { EventStoreRelayRunner, ensureTopics } from '../src';
import { deleteTopics, kafkaClient, pledgeContracts } from './support';

const context: AppendContext = {
  actor: { sub: 'county.evaluator', roles: ['evaluator'], orgId: 'org-910425', kind: 'user' },
  orgId: 'org-910425',
  correlationId: 'relay-topic-test',
};

// A bench runs a service's relay with `topic` so that nothing reaches the platform's topic: every
// event goes to that one topic, none to its contract's.
describe(`${EventStoreRelayRunner.name} with a topic of its own`, () => {
  let db: TestSchema;
  const prefix = testTopicPrefix('store-relay-topic');
  const contractTopic = `${prefix}.contract.v1`;
  const ownTopic = `${prefix}.own.v1`;
  const kafka = kafkaClient();

  beforeAll(async () => {
    db = await createTestSchema('store_relay_topic');
    await migrate(db.pool, { schema: db.schema });
    await ensureTopics(kafka, [contractTopic]);
  });
  afterAll(async () => {
    await deleteTopics(kafka, [contractTopic, ownTopic]);
    await db.drop();
  });

  it('publishes every event to that topic and none to the contract’s', async () => {
    const store = new PostgresEventStore(db.pool, { schema: db.schema });
    const sut = new EventStoreRelayRunner(store, db.pool, {
      brokers: infraConfig().kafkaBrokers,
      clientId: 'relay-topic-test',
      name: 'relay-topic-test',
      contracts: pledgeContracts(contractTopic),
      topic: ownTopic,
    });
    const appended: string[] = [];
    for (let v = 1; v <= 20; v++) {
      const eventId = crypto.randomUUID();
      await store.append('pledge-own-topic', [{ type: 'evaluation.PledgeProgressReported', eventId, data: { v } }], {
        expectedVersion: v - 1,
        context,
      });
      appended.push(eventId);
    }
    await sut.start();
    try {
      await waitUntil('every event published', () => (sut.stats?.published ?? 0) >= appended.length, { timeoutMs: 30_000 });
    } finally {
      await sut.stop();
    }
    const own = await readTopicToEnd(kafka, ownTopic);
    expect(own.map((r) => (JSON.parse(r.value!) as { eventId: string }).eventId)).toEqual(appended);
    expect(await readTopicToEnd(kafka, contractTopic)).toEqual([]);
  });

  it('raises its events topic found with the broker’s week to kept for ever (ADR 0142)', async () => {
    const topic = `vanguard.t${crypto.randomUUID().slice(0, 8)}.events.v1`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await createLedTopics(admin, [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '604800000' }] }]);
      const sut = new EventStoreRelayRunner(new PostgresEventStore(db.pool, { schema: db.schema }), db.pool, {
        brokers: infraConfig().kafkaBrokers,
        clientId: 'relay-topic-retention-test',
        name: 'relay-topic-retention-test',
        contracts: pledgeContracts(topic),
      });
      await sut.start();
      await sut.stop();
      const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      expect(d.resources[0]!.configEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('-1');
    } finally {
      await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
