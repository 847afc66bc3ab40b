import { migrate, PostgresEventStore, type AppendContext } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, readTopicToEnd, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
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
});
