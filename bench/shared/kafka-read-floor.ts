import type { Kafka } from 'kafkajs';
import { brokerCpuMs } from './process-cpu';

/** What reading records costs on its own: this process's CPU and the broker's, µs per record. */
export interface ReadFloor {
  readonly perRecordUs: { readonly 'this process': number; readonly broker: number | undefined };
  readonly seconds: number;
}

const thisProcessMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/**
 * `records` records of `topics` read from their start by a new group `groupId` with kafkajs, as
 * EventConsumer reads (batches, `partitionsConsumedConcurrently` partitions at a time), and
 * nothing else done with them: no JSON parsed, nothing checked or stored. What a consumer spends
 * above this is its own work. Rejects when they are not all read within `deadlineMs`; the group
 * is the caller's to remove.
 */
export async function readAlone(
  kafka: Kafka,
  o: { topics: readonly string[]; records: number; groupId: string; partitionsConsumedConcurrently?: number; deadlineMs?: number },
): Promise<ReadFloor> {
  const consumer = kafka.consumer({ groupId: o.groupId, maxWaitTimeInMs: 1_000 });
  let read = 0;
  let allRead!: () => void;
  const everyRecord = new Promise<void>((r) => (allRead = r));
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...o.topics], fromBeginning: true });
    const t0 = performance.now();
    const cpu0 = thisProcessMs();
    const broker0 = brokerCpuMs();
    await consumer.run({
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 3,
      eachBatch: async ({ batch }) => {
        read += batch.messages.length;
        if (read >= o.records) allRead();
        return Promise.resolve();
      },
    });
    const deadlineMs = o.deadlineMs ?? 600_000;
    await Promise.race([
      everyRecord,
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`${o.records} records of ${o.topics.join(', ')}: ${read} read in ${deadlineMs} ms`)),
            deadlineMs,
          )),
      ),
    ]);
    const broker1 = brokerCpuMs();
    return {
      perRecordUs: {
        'this process': Math.round(((thisProcessMs() - cpu0) * 1000) / o.records),
        broker: broker0 === undefined || broker1 === undefined ? undefined : Math.round(((broker1 - broker0) * 1000) / o.records),
      },
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}
