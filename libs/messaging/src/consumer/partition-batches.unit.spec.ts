import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Gauge } from 'prom-client';
import { silentLogger } from '../logger';
import type { EventConsumerOptions } from './consumer-options';
import type { ConsumerOutcomes } from './consumer-outcomes';
import { PartitionBatches } from './partition-batches';

const policy = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, jitter: 0 };
const record = (offset: number, value: string | null): KafkaMessage => ({
  key: Buffer.from(`organization-${offset}`),
  value: value === null ? null : Buffer.from(value),
  offset: String(offset),
  headers: {},
  timestamp: '0',
  attributes: 0,
});

/** kafkajs's batch of `messages` on partition 0 of `t`, each resolved offset pushed to `resolved`. */
const batchOf = (messages: KafkaMessage[], resolved: string[]): EachBatchPayload =>
  ({
    batch: { topic: 't', partition: 0, highWatermark: String(messages.length), messages },
    resolveOffset: (o: string) => resolved.push(o),
    heartbeat: () => Promise.resolve(),
    isRunning: () => true,
    isStale: () => false,
    commitOffsetsIfNecessary: () => Promise.resolve(),
    uncommittedOffsets: () => ({ topics: [] }),
  }) as unknown as EachBatchPayload;

/** One batch of [a record, a tombstone, a record] through PartitionBatches, the tombstone's delete failing `failures` times first. */
async function run(failures: number, error: unknown) {
  const seen: string[] = [];
  const resolved: string[] = [];
  let tries = 0;
  const options = {
    groupId: 'unit',
    onTombstone: async (t: { offset: string }) => {
      await Promise.resolve();
      if (++tries <= failures) throw error;
      seen.push(`tombstone ${t.offset}`);
    },
    chunkProcessor: async ({ messages }: { messages: readonly KafkaMessage[] }) => {
      await Promise.resolve();
      for (const m of messages) seen.push(`record ${m.offset}`);
    },
  } as unknown as EventConsumerOptions<object>;
  const outcomes = { count: () => undefined, deadLetter: () => Promise.resolve() } as unknown as ConsumerOutcomes;
  const lag = { set: () => undefined } as unknown as Gauge<'group' | 'topic' | 'partition'>;
  const sut = new PartitionBatches(options, 'unit', policy, outcomes, lag, silentLogger);
  const payload = batchOf([record(0, '{}'), record(1, null), record(2, '{}')], resolved);
  const outcome = await sut.eachBatch(payload).then(
    () => 'done',
    (e: unknown) => e,
  );
  return { outcome, seen, resolved, tries };
}

describe(PartitionBatches.name, () => {
  it('eachBatch_ATombstoneThatLosesADeadlock_IsRetried_AndThePartitionGoesOnInOrder', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const r = await run(2, deadlock);
    expect(r).toEqual({ outcome: 'done', seen: ['record 0', 'tombstone 1', 'record 2'], resolved: ['0', '1', '2'], tries: 3 });
  });

  it.each([
    ['LosesDeadlocks', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    ['FindsTheDatabaseOutOfConnections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
  ])('eachBatch_ATombstoneThat%sPastThePolicysAttempts_IsRetriedUntilItGoesThrough', async (_name, error) => {
    const r = await run(7, error);
    expect(r).toEqual({ outcome: 'done', seen: ['record 0', 'tombstone 1', 'record 2'], resolved: ['0', '1', '2'], tries: 8 });
  });

  it('eachBatch_ATombstoneThatKeepsFailing_ThrowsAfterThePolicysAttempts_WithNothingPastItResolved', async () => {
    const broken = new Error('relation "rpt_org" does not exist');
    const r = await run(99, broken);
    expect(r).toEqual({ outcome: broken, seen: ['record 0'], resolved: ['0'], tries: 3 });
  });

  it('eachBatch_AnOutageAfterAChunksOwnFailure_StartsItsBackoffAfresh', async () => {
    // Six outage waits (to the cap), the chunk's own failure, then an outage again.
    const errors = [...Array<string>(6).fill('ECONNREFUSED'), 'own', 'ECONNREFUSED'];
    const delays: number[] = [];
    const log = { ...silentLogger, warn: (fields: { retryInMs?: number }) => void delays.push(fields.retryInMs!) };
    const options = {
      groupId: 'unit',
      chunkProcessor: async () => {
        await Promise.resolve();
        const code = errors.shift();
        if (code) throw Object.assign(new Error(code), code === 'own' ? {} : { code });
      },
    } as unknown as EventConsumerOptions<object>;
    const outcomes = { count: () => undefined, deadLetter: () => Promise.resolve() } as unknown as ConsumerOutcomes;
    const lag = { set: () => undefined } as unknown as Gauge<'group' | 'topic' | 'partition'>;
    const sut = new PartitionBatches(options, 'unit', policy, outcomes, lag, log);
    const resolved: string[] = [];
    await sut.eachBatch(batchOf([record(0, '{}')], resolved));
    // Outage waits 1, 2, 4, 5, 5, 5 ms; the own failure's first retry 1 ms; the next outage from 1 ms again, not 5.
    expect({ delays, resolved }).toEqual({ delays: [1, 2, 4, 5, 5, 5, 1, 1], resolved: ['0'] });
  });
});
