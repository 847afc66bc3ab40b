import type { Kafka } from 'kafkajs';
import { waitUntil } from '@vanguard/testing';
import { CountyDecisionFeed } from './county-decision-feed';

// kafkajs's consumer.disconnect() during run()'s group join returns at once (its runner is not
// "running" yet) and the join goes on, retrying and connecting again: the outage suite of a
// clean-clone run hung on such a consumer, connected after the service had shut down. This fake
// client keeps just that behaviour — run() settles when the test says, disconnect() does not end
// it — so the feed's own part can be checked: whatever a start connected is disconnected once that
// start ends, when a stop came in between.
function fakeKafka({ holdTopics = false } = {}) {
  const log: string[] = [];
  let joined: () => void = () => undefined;
  const join = new Promise<void>((resolve) => (joined = resolve));
  const client = (name: string) => ({
    connect: () => Promise.resolve(void log.push(`${name} connect`)),
    disconnect: () => Promise.resolve(void log.push(`${name} disconnect`)),
  });
  let topicsMade: () => void = () => undefined;
  const topicsReady = new Promise<void>((resolve) => (topicsMade = resolve));
  const kafka = {
    admin: () => ({
      ...client('admin'),
      listTopics: () => Promise.resolve([]),
      createTopics: () => Promise.resolve(true),
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        log.push('topics waited for');
        if (holdTopics) await topicsReady;
        return { topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 0 }] })) };
      },
      fetchTopicOffsets: () => Promise.resolve([{ partition: 0, offset: '0', high: '0', low: '0' }]),
    }),
    producer: () => client('producer'),
    consumer: () => ({
      ...client('consumer'),
      events: { CRASH: 'consumer.crash' },
      on: () => undefined,
      subscribe: () => Promise.resolve(),
      run: async () => {
        log.push('consumer joining');
        await join;
        log.push('consumer joined');
      },
    }),
  } as unknown as Kafka;
  return { kafka, log, joined: () => joined(), topicsMade: () => topicsMade() };
}

const feed = (kafka: Kafka) =>
  new CountyDecisionFeed({
    kafka,
    groupId: 'g',
    counties: [{ clientId: 'county-x', countyOrgId: 'o' }],
    within: () => Promise.resolve(false),
    verifier: { verify: () => ({ ok: true }) },
  });

describe('CountyDecisionFeed start and stop', () => {
  it('WhenStoppedWhileJoining_DisconnectsTheConsumerAndProducerOnceTheJoinEnds_AndTheStartRejects', async () => {
    const { kafka, log, joined } = fakeKafka();
    const sut = feed(kafka);
    const starting = sut.start();
    // A deadline, not a loop for ever: a start that fails early must fail this test, not hang the run.
    await waitUntil('the log to say "consumer joining"', () => log.includes('consumer joining'), { timeoutMs: 5_000, intervalMs: 1 });
    await sut.stop();
    joined();
    await expect(starting).rejects.toThrow('stopped while starting');
    const after = log.slice(log.indexOf('consumer joined'));
    expect(after).toEqual(expect.arrayContaining(['consumer disconnect', 'producer disconnect']));
  });

  it('WhenNotStopped_StartsAndLeavesBothConnectedUntilStop', async () => {
    const { kafka, log, joined } = fakeKafka();
    const sut = feed(kafka);
    joined();
    await sut.start();
    expect(log.filter((l) => l.endsWith('disconnect') && !l.startsWith('admin'))).toEqual([]);
    await sut.stop();
    expect(log.filter((l) => l.endsWith('disconnect') && !l.startsWith('admin'))).toEqual(['consumer disconnect', 'producer disconnect']);
  });

  it('WhenStoppedWhileItsTopicsAreMade_ConnectsNothingAndTheStartRejects', async () => {
    const { kafka, log, joined, topicsMade } = fakeKafka({ holdTopics: true });
    joined();
    const sut = feed(kafka);
    const starting = sut.start();
    // A deadline, not a loop for ever: a start that fails early must fail this test, not hang the run.
    await waitUntil('the log to say "topics waited for"', () => log.includes('topics waited for'), { timeoutMs: 5_000, intervalMs: 1 });
    await sut.stop();
    topicsMade();
    await expect(starting).rejects.toThrow('stopped while starting');
    expect(log.filter((l) => l.startsWith('consumer') || l.startsWith('producer'))).toEqual([]);
  });
});
