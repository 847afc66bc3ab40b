import type { Admin } from 'kafkajs';
import { KafkaJSProtocolError } from 'kafkajs';
import { waitForLeaders } from './wait-for-leaders';

// A KRaft broker answers metadata for a topic it created a moment ago with
// UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition") before it knows
// the partitions' leaders; kafkajs's own waitForLeaders threw on that, and a test or consumer that
// used the topic next failed now and then.
// kafkajs builds these from the broker's error code; its typings take an Error or a string.
const protocolError = (type: string, message: string) =>
  new KafkaJSProtocolError({ type, code: 0, retriable: true, name: 'KafkaJSProtocolError', message } as unknown as Error);
const unknownTopic = () => protocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');

function adminAnswering(
  answers: (() => unknown)[],
  offsetAnswers: (() => unknown)[] = [() => []],
): { admin: Admin; calls: () => number; offsetCalls: () => number } {
  let calls = 0;
  let offsetCalls = 0;
  const admin = {
    // A throw in the executor rejects the promise with what was thrown.
    fetchTopicMetadata: () => new Promise((resolve) => resolve(answers[Math.min(calls++, answers.length - 1)]!())),
    fetchTopicOffsets: () => new Promise((resolve) => resolve(offsetAnswers[Math.min(offsetCalls++, offsetAnswers.length - 1)]!())),
  } as unknown as Admin;
  return { admin, calls: () => calls, offsetCalls: () => offsetCalls };
}

const led = (leader: number) => ({ topics: [{ name: 't', partitions: [{ partitionId: 0, leader }] }] });

describe(waitForLeaders.name, () => {
  it('WhenTheBrokerDoesNotKnowTheTopicYet_WaitsUntilEveryPartitionIsLed', async () => {
    const { admin, calls } = adminAnswering([
      () => {
        throw unknownTopic();
      },
      () => {
        throw unknownTopic();
      },
      () => led(-1),
      () => led(1),
    ]);
    await waitForLeaders(admin, ['t'], 5_000);
    expect(calls()).toBe(4);
  });

  // A send to a partition its leader does not serve yet half succeeded, and a plain producer's retry
  // wrote the half that had succeeded again.
  it('WhenALeaderDoesNotServeItsPartitionYet_WaitsUntilItAnswersForItsOffsets', async () => {
    const notLeader = () => protocolError('NOT_LEADER_FOR_PARTITION', 'This server is not the leader for that topic-partition');
    const { admin, offsetCalls } = adminAnswering(
      [() => led(1)],
      [
        () => {
          throw notLeader();
        },
        () => {
          throw notLeader();
        },
        () => [{ partition: 0, offset: '0', high: '0', low: '0' }],
      ],
    );
    await waitForLeaders(admin, ['t'], 5_000);
    expect(offsetCalls()).toBe(3);
  });

  it('WhenAnotherErrorComes_ThrowsIt', async () => {
    const { admin } = adminAnswering([
      () => {
        throw protocolError('TOPIC_AUTHORIZATION_FAILED', 'not authorized');
      },
    ]);
    await expect(waitForLeaders(admin, ['t'], 5_000)).rejects.toThrow('not authorized');
  });

  it('WhenTheTopicNeverGetsALeader_GivesUpAtTheDeadlineNamingIt', async () => {
    const { admin } = adminAnswering([() => led(-1)]);
    await expect(waitForLeaders(admin, ['t'], 100)).rejects.toThrow('topics without a leader after 100 ms: t');
  });

  it('WhenKafkajsGaveUpRetryingAnUnknownTopic_StillWaits', async () => {
    const gaveUp = Object.assign(new Error('Number of retries exceeded'), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      cause: unknownTopic(),
    });
    const { admin, calls } = adminAnswering([
      () => {
        throw gaveUp;
      },
      () => led(0),
    ]);
    await waitForLeaders(admin, ['t'], 5_000);
    expect(calls()).toBe(2);
  });
});
