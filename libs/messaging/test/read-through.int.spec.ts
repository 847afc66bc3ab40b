import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { testProducer, testTopicPrefix } from '@vanguard/testing';
import { ensureTopics, GroupReadThrough } from '../src';
import { deleteTopics, kafkaClient } from './support';

jest.setTimeout(120_000);

// GroupReadThrough answers a moment t such that every record appended before t is committed by the
// group. Records, commits and measurements interleave at random here; after every answer the
// group's committed offsets are read again (they only grow) and every record the broker stamped
// before t must lie below them.
describe(GroupReadThrough.name, () => {
  const kafka = kafkaClient();
  const topic = `${testTopicPrefix('read-through')}.events`;

  // Stamped by the broker, as the county inbound topic is: a record's timestamp is when it was appended.
  beforeAll(() => ensureTopics(kafka, [topic], { numPartitions: 3, configs: { [topic]: { 'message.timestamp.type': 'LogAppendTime' } } }));
  afterAll(() => deleteTopics(kafka, [topic]));

  it('never answers a moment before which a record is still uncommitted, over random interleavings, and reaches the last record once the group has', async () => {
    const groupId = `read-through-${randomUUID()}`;
    // A short settle, so that a record left behind is soon old enough to show.
    const sut = new GroupReadThrough(kafka, groupId, [topic], { freshMs: 0, settleMs: 200 });
    const producer = testProducer(kafka);
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    const appended: { partition: number; offset: number; at: number }[] = [];
    const send = async (value = 'x') => {
      const [meta] = await producer.send({ topic, messages: [{ key: randomUUID(), value }] });
      appended.push({ partition: meta!.partition, offset: Number(meta!.baseOffset), at: Number(meta!.logAppendTime) });
    };
    let consumer: Consumer | undefined;
    let producing = true;
    try {
      await send();
      expect((await sut.readThrough()).getTime()).toBe(0);
      consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        partitionsConsumedConcurrently: 3,
        autoCommit: false,
        eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
          for (const m of batch.messages) {
            if (m.value?.toString() === 'last') {
              // Everything before the very last record done and committed, the group stalls on it:
              // one record short of the end, for far longer than the settle.
              await commit(consumer!, batch.topic, batch.partition, Number(m.offset));
              await pause(1_500);
            } else {
              // Now and then the group stalls on a record, long enough for it to be older than the settle.
              await pause(Math.random() < 0.05 ? 300 + Math.random() * 300 : Math.random() * 15);
            }
            resolveOffset(m.offset);
            // Commits at random points of the batch, some only at its end.
            if (Math.random() < 0.3) await commit(consumer!, batch.topic, batch.partition, Number(m.offset) + 1);
          }
          await commitOffsetsIfNecessary();
          await commit(consumer!, batch.topic, batch.partition, Number(batch.lastOffset()) + 1);
        },
      });
      const producing$ = (async () => {
        for (const stop = Date.now() + 2_500; Date.now() < stop;) {
          await send();
          await pause(Math.random() * 30);
        }
        await send('last');
        producing = false;
      })();
      // Checked after every answer, until the answer is past the last record.
      const deadline = Date.now() + 30_000;
      for (let through = 0; producing || through <= Math.max(...appended.map((r) => r.at));) {
        expect(Date.now()).toBeLessThan(deadline);
        through = (await sut.readThrough()).getTime();
        const committed = await committedOffsets(admin, groupId, topic);
        const early = appended.filter((r) => r.at < through && r.offset >= (committed.get(r.partition) ?? 0));
        expect(early).toEqual([]);
        await pause(Math.random() * 40);
      }
      await producing$;
    } finally {
      await consumer?.disconnect();
      await Promise.all([producer.disconnect(), admin.disconnect(), sut.stop()]);
    }
  });

  it('advances while records keep coming, as long as the group reaches what an earlier measurement saw', async () => {
    const groupId = `read-through-${randomUUID()}`;
    const sut = new GroupReadThrough(kafka, groupId, [topic], { freshMs: 0 });
    const producer = testProducer(kafka);
    await producer.connect();
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    let producing = true;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      // Commits every 200 ms: with records arriving all the time, the group is never at the end when asked.
      await consumer.run({ autoCommitInterval: 200, eachMessage: () => Promise.resolve() });
      const producing$ = (async () => {
        for (const stop = Date.now() + 6_000; producing && Date.now() < stop;)
          await producer.send({ topic, messages: [{ key: randomUUID(), value: 'x' }] });
        producing = false;
      })();
      const since = Date.now() + 1_000;
      let through = 0;
      while (producing && through <= since) {
        through = (await sut.readThrough()).getTime();
        await pause(100);
      }
      producing = false;
      await producing$;
      expect(through).toBeGreaterThan(since);
    } finally {
      producing = false;
      await consumer.disconnect();
      await Promise.all([producer.disconnect(), sut.stop()]);
    }
  });
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function commit(consumer: Consumer, topic: string, partition: number, offset: number): Promise<void> {
  await consumer.commitOffsets([{ topic, partition, offset: String(offset) }]);
}

async function committedOffsets(admin: ReturnType<ReturnType<typeof kafkaClient>['admin']>, groupId: string, topic: string) {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset) < 0 ? 0 : Number(p.offset)]));
}
