import { randomUUID } from 'node:crypto';
import type { Batch, Consumer, Kafka } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { seededRandom, testProducer, testTopicPrefix, waitUntil } from '@vanguard/testing';
import { ensureTopics, RecordFollower, serviceKafka, type ServiceKafka } from '../src';
import { collect, deleteTopics, kafkaClient } from './support';

jest.setTimeout(120_000);

/** Not retriable for kafkajs (a TypeError, as a bug would throw): the consumer crashes at once, no retry. */
const POISON = 'poison';
type RestartPhase = 'made' | 'connected' | 'joined';

// kafkajs's own restart after a crash runs on a timer out of stop()'s reach, so RecordFollower
// refuses it and restarts itself on the CRASH event (ADR 0069). A handler that throws a
// TypeError makes kafkajs crash the consumer without retrying: the follower must come back and
// follow every later record, and a stop() during that restart must leave nothing running.
describe(`${RecordFollower.name} after its consumer crashed`, () => {
  const kafka = kafkaClient();
  const topic = `${testTopicPrefix('record-follower-crash')}.state`;

  beforeAll(async () => {
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
  });
  afterAll(async () => {
    await deleteTopics(kafka, [topic]);
  });

  async function send(...values: string[]): Promise<void> {
    const producer = testProducer(kafka);
    await producer.connect();
    try {
      await producer.send({ topic, messages: values.map((value) => ({ key: value, value })) });
    } finally {
      await producer.disconnect();
    }
  }

  /**
   * A follower of `topic` from now on, whose handler throws on the first poison record it meets.
   * With `stopRestart`, it is stopped when the restart's consumer reaches `phase` (made,
   * connected, joined its group), `jitterMs` later.
   */
  function follower(tag: string, stopRestart?: { phase: RestartPhase; jitterMs: number }) {
    const client: ServiceKafka = serviceKafka(`record-follower-crash-${tag}`, infraConfig().kafkaBrokers, {
      connectionTimeout: 1000,
    });
    const consumers: Consumer[] = [];
    let stopping: Promise<void> | undefined;
    const stopSoon = (ms: number) =>
      void setTimeout(() => {
        stopping ??= sut.stop();
      }, ms);
    // Each consumer the follower makes: the second one is the restart's.
    const counting = {
      consumer: (config: Parameters<Kafka['consumer']>[0]) => {
        const consumer = client.kafka.consumer(config);
        consumers.push(consumer);
        if (stopRestart && consumers.length === 2) {
          const { phase, jitterMs } = stopRestart;
          if (phase === 'made') stopSoon(jitterMs);
          else consumer.on(phase === 'connected' ? consumer.events.CONNECT : consumer.events.GROUP_JOIN, () => stopSoon(jitterMs));
        }
        return consumer;
      },
    };
    const seen: string[] = [];
    let poisoned = 0;
    const sut = new RecordFollower({
      kafka: counting as unknown as Kafka,
      groupId: `record-follower-crash-${tag}-${randomUUID()}`,
      topics: [topic],
      fromBeginning: false,
      eachBatch: (batch: Batch) => {
        for (const m of batch.messages) {
          const value = m.value?.toString() ?? '';
          if (value.startsWith(POISON) && poisoned++ === 0) return Promise.reject(new TypeError(`a bug in the handler at ${value}`));
          seen.push(value);
        }
        return Promise.resolve();
      },
      onStartError: () => undefined,
    });
    return { sut, client, consumers, seen, poisoned: () => poisoned, stopping: () => (stopping ? { done: stopping } : undefined) };
  }

  /** Started, and joined: a record sent now reaches it. */
  async function following(f: ReturnType<typeof follower>, tag: string): Promise<void> {
    f.sut.follow();
    await waitUntil(
      'the follower following',
      async () => {
        const probe = `probe-${tag}-${randomUUID()}`;
        await send(probe);
        return waitUntil(`${probe} followed`, () => f.seen.includes(probe), { timeoutMs: 3_000 }).catch(() => false);
      },
      { timeoutMs: 60_000 },
    );
  }

  it('WhenItsConsumerCrashes_StartsAgainAndFollowsEveryLaterRecord', async () => {
    const f = follower('comes-back');
    try {
      await following(f, 'comes-back');
      await send(`${POISON}-1`);
      await waitUntil('the consumer crashed on the poison record', () => f.poisoned() >= 1, { timeoutMs: 30_000 });
      const later = Array.from({ length: 5 }, (_, i) => `after-crash-${i}`);
      await send(...later);
      // The record the handler threw on was never committed: the restarted consumer reads it again.
      await waitUntil('every later record followed', () => [`${POISON}-1`, ...later].every((v) => f.seen.includes(v)), {
        timeoutMs: 60_000,
      });
      expect(f.consumers.length).toBeGreaterThanOrEqual(2);
      expect(f.seen.slice(f.seen.indexOf(`${POISON}-1`))).toEqual([`${POISON}-1`, ...later]);
    } finally {
      await f.sut.stop();
      f.client.closeLeftovers();
    }
  });

  it('WhenStoppedAtAnyPointOfTheRestart_LeavesNothingRunning', async () => {
    const seed = Number(process.env['RECORD_FOLLOWER_CRASH_SEED'] ?? Date.now() % 100_000);
    console.log(`RECORD_FOLLOWER_CRASH_SEED=${seed}`);
    const random = seededRandom(seed);
    const tap = await collect(kafka, topic);
    try {
      for (const [i, phase] of (['made', 'connected', 'joined'] as const).entries()) {
        const jitterMs = Math.floor(random() * 20);
        const f = follower(`stopped-${i}`, { phase, jitterMs });
        await following(f, `stopped-${i}`);
        await send(`${POISON}-stop-${i}`);
        const { done } = await waitUntil('the stop during the restart', () => f.stopping(), { timeoutMs: 30_000 });
        await done;
        const made = f.consumers.length;
        const at = `${jitterMs} ms after the restart's consumer was ${phase} (seed ${seed})`;
        // Nothing left connected by the follower itself: its tracker is not closed here.
        await waitUntil(`no connection left (${at})`, () => f.client.openSockets === 0, { timeoutMs: 10_000 });
        // A record sent after the stop reaches another reader, not the stopped follower.
        const after = `after-stop-${i}`;
        await send(after);
        await waitUntil(`${after} on the topic`, () => tap.messages.some((m) => m.value?.toString() === after), { timeoutMs: 30_000 });
        expect({ at, consumers: f.consumers.length, open: f.client.openSockets, followed: f.seen.includes(after) }).toEqual({
          at,
          consumers: made,
          open: 0,
          followed: false,
        });
        expect(f.client.closeLeftovers()).toBe(0);
      }
    } finally {
      await tap.stop();
    }
  });
});
