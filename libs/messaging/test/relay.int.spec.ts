import { ENVELOPE_HEADERS, ContractRegistry } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { Registry } from 'prom-client';
import { ensureTopics, headerValue, migrateOutbox, OutboxRelaySource, PgOutbox, Relay } from '../src';
import { brokerGate, collect, deleteTopics, kafkaClient, thingContract, thingEvent } from './support';

const STREAMS = 100;
const VERSIONS = 100; // STREAMS × VERSIONS = 10,000 events
const WRITERS = 10;

// The integration project's testTimeout sits in a project entry, where Jest ignores it.
jest.setTimeout(60_000);

describe(Relay.name, () => {
  let db: TestSchema;
  const topic = `${testTopicPrefix('relay')}.events.v1`;
  const kafka = kafkaClient();
  const contracts = new ContractRegistry([thingContract(topic)]);

  beforeAll(async () => {
    db = await createTestSchema('relay');
    await migrateOutbox(db.pool);
    await ensureTopics(kafka, [topic], { numPartitions: 3 });
  });

  afterAll(async () => {
    await deleteTopics(kafka, [topic]);
    await db.drop();
  });

  it('WhenKafkaIsUnreachableWhileEventsAreWritten_PublishesEveryOneInStreamOrderOnceItIsBack', async () => {
    const gate = await brokerGate(infraConfig().kafkaBrokers[0]!);
    const source = new OutboxRelaySource(db.pool);
    const metrics = new Registry();
    const sut = new Relay({
      source,
      kafka: kafkaClient([gate.address]),
      batchSize: 500,
      idleDelayMs: 50,
      backoff: { initialMs: 100, maxMs: 1000 },
      metrics,
    });
    const outbox = new PgOutbox({ contracts });
    const written: string[] = [];
    try {
      sut.start();
      // Ten writers, each owning ten streams, append version by version, ten events per transaction.
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          const client = await db.pool.connect();
          try {
            for (let v = 1; v <= VERSIONS; v++) {
              const events = Array.from({ length: STREAMS / WRITERS }, (_, i) => thingEvent(`s${w * (STREAMS / WRITERS) + i}`, v));
              await client.query('begin');
              await outbox.add(client, ...events);
              await client.query('commit');
              written.push(...events.map((e) => e.eventId));
            }
          } finally {
            client.release();
          }
        }),
      );
      await waitUntil('the relay to have failed against the closed gate', () => sut.stats.consecutiveFailures >= 2);
      expect(sut.stats.published).toBe(0);
      expect(await source.backlog()).toBe(STREAMS * VERSIONS);

      gate.open();
      const started = Date.now();
      await waitUntil('the outbox to drain', async () => (await source.backlog()) === 0, { timeoutMs: 60_000 });
      const drainMs = Date.now() - started;
      console.log(
        `relay: ${STREAMS * VERSIONS} events published ${drainMs} ms after Kafka became reachable (${Math.round((STREAMS * VERSIONS * 1000) / drainMs)} events/s, including reconnect backoff)`,
      );
      expect(sut.stats.published).toBe(STREAMS * VERSIONS);
      expect(await metrics.getSingleMetricAsString('vanguard_relay_published_total')).toContain(`${STREAMS * VERSIONS}`);
    } finally {
      await sut.stop();
      await gate.close();
    }

    const reader = await collect(kafka, topic);
    try {
      const ids = () => new Set(reader.messages.map((m) => headerValue(m.headers, ENVELOPE_HEADERS.eventId)));
      await waitUntil('every event on the topic', () => ids().size >= written.length, { timeoutMs: 60_000 });
      const seen = ids();
      const missing = written.filter((id) => !seen.has(id));
      const duplicates = reader.messages.length - seen.size;
      console.log(
        `relay: ${reader.messages.length} messages read, ${seen.size} distinct, ${missing.length} missing, ${duplicates} duplicates`,
      );
      expect(missing).toEqual([]);
      expect(duplicates).toBe(0);

      // Key = streamId, so each stream's versions arrive in order.
      const versionsByStream = new Map<string, number[]>();
      for (const m of reader.messages) {
        const stream = String(m.key);
        versionsByStream.set(stream, [
          ...(versionsByStream.get(stream) ?? []),
          Number(headerValue(m.headers, ENVELOPE_HEADERS.streamVersion)),
        ]);
      }
      expect(versionsByStream.size).toBe(STREAMS);
      const expected = Array.from({ length: VERSIONS }, (_, i) => i + 1);
      for (const versions of versionsByStream.values()) expect(versions).toEqual(expected);
    } finally {
      await reader.stop();
    }
  }, 180_000);

  it('WhenTwoRelaysShareAnOutbox_OnlyTheLockHolderPublishes_SoNothingIsDuplicated', async () => {
    const table = 'outbox_shared';
    await migrateOutbox(db.pool, { table });
    const sharedTopic = `${topic}.shared`;
    await ensureTopics(kafka, [sharedTopic], { numPartitions: 1 });
    const outbox = new PgOutbox({ contracts: new ContractRegistry([thingContract(sharedTopic)]), table });
    const written: string[] = [];
    const client = await db.pool.connect();
    try {
      for (let v = 1; v <= 200; v++) {
        const e = thingEvent('shared', v);
        await client.query('begin');
        await outbox.add(client, e);
        await client.query('commit');
        written.push(e.eventId);
      }
    } finally {
      client.release();
    }
    const sources = [new OutboxRelaySource(db.pool, { table }), new OutboxRelaySource(db.pool, { table })];
    const relays = sources.map((source) => new Relay({ source, kafka, batchSize: 20, idleDelayMs: 20 }));
    relays.forEach((r) => r.start());
    try {
      await waitUntil('the shared outbox to drain', async () => (await sources[0]!.backlog()) === 0);
      expect(sources.filter((s) => s.isLeader)).toHaveLength(1);
      expect(relays.map((r) => r.stats.published).sort((a, b) => a - b)).toEqual([0, 200]);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await deleteTopics(kafka, [sharedTopic]);
    }
  });

  it('WhenAnEventBreaksItsContract_TheOutboxRefusesItAndTheTransactionCanRollBack', async () => {
    const outbox = new PgOutbox({ contracts });
    const client = await db.pool.connect();
    const before = await new OutboxRelaySource(db.pool).backlog();
    try {
      await client.query('begin');
      await expect(outbox.add(client, thingEvent('bad', 1, { n: 'not a number' }))).rejects.toThrow(/schema-violation/);
      await client.query('rollback');
    } finally {
      client.release();
    }
    expect(await new OutboxRelaySource(db.pool).backlog()).toBe(before);
  });

  it('WhenAnEventCarriesAFieldItsContractDoesNotKnow_TheFieldNeverReachesTheTopic', async () => {
    const table = 'outbox_unknown_field';
    await migrateOutbox(db.pool, { table });
    const fieldTopic = `${topic}.field`;
    await ensureTopics(kafka, [fieldTopic], { numPartitions: 1 });
    const outbox = new PgOutbox({ contracts: new ContractRegistry([thingContract(fieldTopic)]), table });
    const event = thingEvent('phone', 1, { n: 1, phone: '13800000000' });
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await outbox.add(client, event);
      await client.query('commit');
    } finally {
      client.release();
    }
    const source = new OutboxRelaySource(db.pool, { table });
    const relay = new Relay({ source, kafka, idleDelayMs: 20 });
    const reader = await collect(kafka, fieldTopic);
    relay.start();
    try {
      await waitUntil('the event on the topic', () => reader.messages.length >= 1);
      const published = JSON.parse(String(reader.messages[0]!.value)) as { eventId: string; data: Record<string, unknown> };
      expect(published.eventId).toBe(event.eventId);
      expect(published.data).toEqual({ n: 1 });
      expect(String(reader.messages[0]!.value)).not.toContain('13800000000');
    } finally {
      await relay.stop();
      await reader.stop();
      await deleteTopics(kafka, [fieldTopic]);
    }
  });
});
