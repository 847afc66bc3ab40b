import { randomUUID } from 'node:crypto';
import { infraConfig } from '@vanguard/infra-config';
import { testProducer, testTopicPrefix, waitUntil } from '@vanguard/testing';
import { ensureTopics, RecordFollower } from '../src';
import { brokerGate, deleteTopics, kafkaClient } from './support';

jest.setTimeout(120_000);

// A service boots while the broker is not reachable (or a topic's partitions have no leader
// yet: "This server does not host this topic-partition", which is how a clean-clone run lost
// assistance's roster). Its copies must follow once the broker answers, not stay down for the
// life of the process.
describe(RecordFollower.name, () => {
  const kafka = kafkaClient();
  const topic = `${testTopicPrefix('record-follower')}.state`;

  beforeAll(async () => {
    await ensureTopics(kafka, [topic], { numPartitions: 2 });
    const producer = testProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'a', value: null },
      ],
    });
    await producer.disconnect();
  });

  afterAll(async () => {
    await deleteTopics(kafka, [topic]);
  });

  it('WhenTheBrokerIsUnreachableAtStart_KeepsTryingAndFollowsOnceItAnswers', async () => {
    const gate = await brokerGate(infraConfig().kafkaBrokers[0]!);
    const seen: { key: string | undefined; value: string | null }[] = [];
    const failures: number[] = [];
    const follower = new RecordFollower({
      kafka: kafkaClient([gate.address]),
      groupId: `record-follower-${randomUUID()}`,
      topics: [topic],
      eachBatch: (batch) => {
        for (const m of batch.messages) seen.push({ key: m.key?.toString(), value: m.value ? m.value.toString() : null });
        return Promise.resolve();
      },
      onStartError: (_e, attempt) => failures.push(attempt),
    });
    try {
      follower.follow();
      await waitUntil('a failed start', () => failures.length >= 1, { timeoutMs: 60_000 });
      expect(seen).toEqual([]);
      gate.open();
      await waitUntil('every record followed', () => seen.length === 3, { timeoutMs: 90_000 });
      expect(seen).toEqual(
        expect.arrayContaining([
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
          { key: 'a', value: null },
        ]),
      );
    } finally {
      await follower.stop();
      await gate.close();
    }
  });
});
