import type { Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';

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
 * from the beginning (as a new consumer of a compacted topic bootstraps). Resolves once every
 * partition has been read up to the high watermark fetched at the start.
 */
export async function readTopicToEnd(kafka: Kafka, topic: string, { timeoutMs = 60_000 } = {}): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const records: ReadRecord[] = [];
  if (!ends.size) return records;
  // Fetches held open at most 100 ms: disconnecting waits for the one in flight (kafkajs's default, 5 s).
  const consumer = kafka.consumer({ groupId: `read-to-end-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
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
