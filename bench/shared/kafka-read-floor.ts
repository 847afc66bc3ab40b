import type { Kafka } from 'kafkajs';
import { waitUntil } from '@vanguard/testing';
import { cpuReading, cpuSince, type CpuReader } from './process-cpu';

/** What reading records cost on its own: this process's CPU and the broker's, ms, over `read` records. */
export interface ReadFloor {
  readonly ms: Partial<Record<CpuReader, number | undefined>>;
  readonly read: number;
}

/**
 * `records` records of `topics` read from their start by a new group `groupId` with kafkajs, as
 * EventConsumer reads (batches, `partitionsConsumedConcurrently` partitions at a time), and
 * nothing else done with them: no JSON parsed, nothing checked, stored or committed by hand. What
 * a consumer spends above this is its own work. CPU is counted from the group's join, so the join
 * is not; rejects when they are not all read within `timeoutMs`. The group is the caller's to remove.
 */
export async function readAlone(
  kafka: Kafka,
  o: { topics: readonly string[]; records: number; groupId: string; partitionsConsumedConcurrently?: number; timeoutMs?: number },
): Promise<ReadFloor> {
  const consumer = kafka.consumer({ groupId: o.groupId, maxWaitTimeInMs: 1_000 });
  let read = 0;
  let joined: ReturnType<typeof cpuReading> | undefined;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined ??= cpuReading(['this process', 'broker'])));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...o.topics], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 3,
      eachBatch: async ({ batch }) => {
        read += batch.messages.length;
        return Promise.resolve();
      },
    });
    await waitUntil(`${o.records} records of ${o.topics.join(', ')} read alone`, () => read >= o.records, {
      timeoutMs: o.timeoutMs ?? 600_000,
      intervalMs: 20,
    });
    return { ms: cpuSince(joined!), read };
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}
