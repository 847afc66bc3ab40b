import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { waitUntil } from './wait';

/** A topic prefix of the suite's own, so suites never read each other's messages. */
export function testTopicPrefix(suite: string): string {
  return `test.${suite.replace(/[^a-z0-9]/gi, '-').toLowerCase()}.${randomBytes(4).toString('hex')}`;
}

/** One record as read back from a topic (value null for a tombstone). */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
}

/**
 * Every record of `topic` up to its end at the time of the call, read by a fresh consumer group
 * from the beginning (as a new consumer of a compacted topic bootstraps) — or, given `groupId` (a
 * group startAtTheEnd pinned and nothing has consumed since), every record since that pin.
 * Resolves once every partition has been read up to the high watermark fetched at the start.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  { timeoutMs = 60_000, groupId }: { timeoutMs?: number; groupId?: string } = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    const committed = new Map<number, bigint>();
    if (groupId)
      for (const p of (await settled(`${groupId}'s offsets on ${topic}`, () => admin.fetchOffsets({ groupId, topics: [topic] })))[0]
        ?.partitions ?? [])
        if (BigInt(p.offset) >= 0n) committed.set(p.partition, BigInt(p.offset));
    for (const p of await settled(`the ends of ${topic}`, () => admin.fetchTopicOffsets(topic))) {
      const from = committed.get(p.partition) ?? BigInt(p.low);
      if (BigInt(p.high) > from) ends.set(p.partition, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  const records: ReadRecord[] = [];
  if (!ends.size) return records;
  // Fetches held open at most 100 ms: disconnecting waits for the one in flight (kafkajs's default, 5 s).
  const consumer = kafka.consumer({ groupId: groupId ?? `read-to-end-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic} not read to its end within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          records.push({
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
          });
          const end = ends.get(partition);
          if (end !== undefined && BigInt(message.offset) + 1n >= end) ends.delete(partition);
          if (!ends.size) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/**
 * `request`'s answer, asked again while the broker refuses it for a while: a topic just made has a
 * leader in the metadata before its broker serves it ("This server is not the leader for that
 * topic-partition" from a fresh broker, seen in a clean-clone run), which kafkajs's admin does not retry.
 */
function settled<T>(what: string, request: () => Promise<T>): Promise<T> {
  return waitUntil(what, request, { timeoutMs: 30_000, intervalMs: 200 });
}

/**
 * Commits each partition's current end for `groupId`, a group that has never run: a consumer of it
 * then reads every record published after the ends were fetched, and none before. `fromBeginning:
 * false` does not promise that: the consumer resolves "latest" at its first fetch, which may come
 * after the group is Stable, so a record sent in between is never read (a clean-clone run lost a
 * county's record so). Checks that every partition got its offset: a partition left without one
 * would fall back to the consumer's own reset.
 */
export async function startAtTheEnd(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await settled(`the ends of ${topic}`, () => admin.fetchTopicOffsets(topic));
      await settled(`${groupId}'s offsets on ${topic} set`, () =>
        admin.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) }).then(() => true),
      );
      const committed =
        (await settled(`${groupId}'s offsets on ${topic}`, () => admin.fetchOffsets({ groupId, topics: [topic] })))[0]?.partitions ?? [];
      const missing = ends.filter((e) => !committed.some((c) => c.partition === e.partition && BigInt(c.offset) >= 0n));
      if (missing.length)
        throw new Error(`${topic}: no offset committed for ${groupId} on partitions ${missing.map((m) => m.partition).join(', ')}`);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * A consumer of a group of its own that hands `onMessage` every record published on `topics` once
 * their ends have been fetched (early in this call), and nothing before (see startAtTheEnd). The
 * topics must exist; a partition added later is read from its beginning.
 */
export async function tapFromNow(
  kafka: Kafka,
  topics: readonly string[],
  onMessage: (message: KafkaMessage, topic: string) => void,
  { groupPrefix = 'tap' }: { groupPrefix?: string } = {},
): Promise<Consumer> {
  const groupId = `${groupPrefix}-${randomBytes(6).toString('hex')}`;
  await startAtTheEnd(kafka, groupId, topics);
  // Fetches held open at most 100 ms: disconnecting waits for the one in flight.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    await consumer.connect();
    // Pinned partitions start at their committed offsets; only one created after the pin has none.
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        onMessage(message, topic);
        return Promise.resolve();
      },
    });
  } catch (e) {
    await consumer.disconnect();
    throw e;
  }
  return consumer;
}
