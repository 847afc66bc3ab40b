import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { setIdleGroupOffsets } from '@vanguard/kafka-topics';
import { createLedTopics, deleteGroups, readTopicToEnd, testProducer, testTopicPrefix, waitUntil } from '../src';

// setIdleGroupOffsets against the real broker: what the coordinator holds afterwards is read back
// with the admin's own fetchOffsets and by a consumer of the group, not by the helper's check.
describe('setIdleGroupOffsets (real Kafka)', () => {
  const kafka = new Kafka({ clientId: 'idle-group-offsets-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const prefix = testTopicPrefix('idle-group-offsets');
  const topics = [`${prefix}.a`, `${prefix}.b`];
  const producer = testProducer(kafka);
  const groups: string[] = [];
  const group = () => {
    const g = `${prefix}.group-${randomUUID()}`;
    groups.push(g);
    return g;
  };

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await createLedTopics(
      admin,
      topics.map((topic) => ({ topic, numPartitions: 3 })),
    ).finally(() => admin.disconnect());
    await producer.connect();
    // Partition p of each topic holds p + 2 records: every partition ends somewhere else.
    for (const topic of topics)
      await producer.send({
        topic,
        messages: [0, 1, 2].flatMap((partition) =>
          Array.from({ length: partition + 2 }, (_, i) => ({ partition, value: `${topic}-${partition}-${i}` })),
        ),
      });
  });

  afterAll(async () => {
    await producer.disconnect();
    await deleteGroups(kafka, groups);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).finally(() => admin.disconnect());
  });

  it('commits every partition of several topics at the offset asked, and a consumer of the group starts there', async () => {
    const g = group();
    // Not the ends: one record left unread on each partition, none on partition 0 of b.
    const wanted = topics.map((topic, t) => ({
      topic,
      partitions: [0, 1, 2].map((partition) => ({ partition, offset: String(t === 1 && partition === 0 ? 2 : partition + 1) })),
    }));

    await setIdleGroupOffsets(kafka, g, wanted);

    const admin = kafka.admin();
    await admin.connect();
    const held = await admin.fetchOffsets({ groupId: g, topics }).finally(() => admin.disconnect());
    const asMap = (list: readonly { topic: string; partitions: readonly { partition: number; offset: string }[] }[]) =>
      Object.fromEntries(list.flatMap((t) => t.partitions.map((p) => [`${t.topic}/${p.partition}`, p.offset])));
    expect(asMap(held)).toEqual(asMap(wanted));
    const unread = (await readTopicToEnd(kafka, topics[0]!, { groupId: g })).map((r) => r.value).sort();
    expect(unread).toEqual([`${topics[0]}-0-1`, `${topics[0]}-1-2`, `${topics[0]}-2-3`]);
    expect(await readTopicToEnd(kafka, topics[1]!, { groupId: g })).toHaveLength(2);
  });

  it('refuses a group with a running member and leaves its offsets as they were', async () => {
    const g = group();
    const member = kafka.consumer({ groupId: g, maxWaitTimeInMs: 100 });
    await member.connect();
    try {
      await member.subscribe({ topics: [topics[0]!], fromBeginning: true });
      let read = 0;
      await member.run({ eachMessage: () => Promise.resolve(void read++) });
      await waitUntil('the member to read what the topic holds', () => read === 9);
      await waitUntil('the member to commit what it read', async () => {
        const admin = kafka.admin();
        await admin.connect();
        const [t] = await admin.fetchOffsets({ groupId: g, topics: [topics[0]!] }).finally(() => admin.disconnect());
        return t!.partitions.every((p) => p.offset === String(p.partition + 2));
      });

      await expect(setIdleGroupOffsets(kafka, g, [{ topic: topics[0]!, partitions: [{ partition: 0, offset: '0' }] }])).rejects.toThrow(
        /must have no running member.*Stable/,
      );
    } finally {
      await member.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    const [t] = await admin.fetchOffsets({ groupId: g, topics: [topics[0]!] }).finally(() => admin.disconnect());
    expect(t!.partitions.find((p) => p.partition === 0)?.offset).toBe('2');
  });
});
