import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type ConsumerConfig } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { createLedTopics, readTopicToEnd, tapFromNow, testProducer, testTopicPrefix, waitUntil } from '../src';

const kafka = new Kafka({ clientId: 'testing-kafka-spec', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = testProducer(kafka);
const prefix = testTopicPrefix('testing-kafka');
const made: string[] = [];

async function topicWith(name: string, records: number): Promise<string> {
  const topic = `${prefix}.${name}`;
  await createLedTopics(admin, [{ topic, numPartitions: 2 }]);
  made.push(topic);
  if (records) await producer.send({ topic, messages: Array.from({ length: records }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  return topic;
}

/** Groups the broker knows that have an offset committed on `topic`: only this suite's topics, so only its groups. */
async function groupsReading(topic: string, startingWith: string): Promise<string[]> {
  const candidates = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(startingWith));
  const reading: string[] = [];
  for (const groupId of candidates) {
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] }).catch(() => []);
    if (offsets.some((t) => t.partitions.some((p) => Number(p.offset) >= 0))) reading.push(groupId);
  }
  return reading;
}

describe('Kafka test helpers', () => {
  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    if (made.length) await admin.deleteTopics({ topics: made });
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  describe(createLedTopics.name, () => {
    // Before the leaders served their partitions, about one send in four to a fresh two-partition
    // topic was retried whole after half of it was written, and read back with records twice.
    it('makes topics whose first send is written once', async () => {
      const topics: string[] = [];
      for (let i = 0; i < 10; i++) topics.push(await topicWith(`first-send-${i}`, 5));

      const written = await Promise.all(
        topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)),
      );

      expect(written).toEqual(topics.map(() => 5));
    });
  });

  describe(readTopicToEnd.name, () => {
    it('reads every record and leaves no consumer group of its own behind', async () => {
      const topic = await topicWith('read-to-end', 5);

      const read = await readTopicToEnd(kafka, topic);

      expect(read.map((r) => r.value).sort()).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
      expect(await groupsReading(topic, 'read-to-end-')).toEqual([]);
    });

    // The broker refuses to let the consumer join (a session timeout below its
    // group.min.session.timeout.ms): kafkajs reports that as a crash, not as a rejection of run().
    it('rejects with the consumer’s crash at once, not at its timeout', async () => {
      const topic = await topicWith('crashing-reader', 1);
      const refused = new Kafka({ clientId: 'testing-kafka-spec', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
      const consumer = refused.consumer.bind(refused);
      refused.consumer = (config: ConsumerConfig) => consumer({ ...config, sessionTimeout: 1_000, heartbeatInterval: 300 });
      const started = Date.now();

      await expect(readTopicToEnd(refused, topic, { timeoutMs: 15_000 })).rejects.toThrow(
        new RegExp(`^reading ${topic.replaceAll('.', '\\.')} as read-to-end-[0-9a-f]+: the consumer crashed: .*session timeout`, 'i'),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 20_000);
  });

  describe(tapFromNow.name, () => {
    it('deletes its consumer group when it disconnects', async () => {
      const topic = await topicWith('tap', 0);
      const groupPrefix = `testing-tap-${randomUUID().slice(0, 8)}`;
      const seen: string[] = [];
      const sut = await tapFromNow(kafka, [topic], (m) => seen.push(String(m.value)), { groupPrefix });
      await producer.send({ topic, messages: [{ value: 'after the tap' }] });
      await waitUntil('the tap to see the record', () => seen.length > 0, { timeoutMs: 15_000 });

      await sut.disconnect();

      expect(seen).toEqual(['after the tap']);
      expect((await admin.listGroups()).groups.filter((g) => g.groupId.startsWith(groupPrefix))).toEqual([]);
    });
  });
});
