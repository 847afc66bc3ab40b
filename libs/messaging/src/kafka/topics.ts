import type { Admin, Kafka } from 'kafkajs';
import { deadLetterTopic } from '@vanguard/contracts';
import { within } from '../within';

export interface EnsureTopicsOptions {
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
  /**
   * Topic configs by topic name, applied when the topic is created (not to its `.dlq` twin),
   * e.g. `{ 'message.timestamp.type': 'LogAppendTime' }` for the county inbound topic.
   */
  readonly configs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Creates each topic and its `.dlq` twin if missing (for migrations, local start-up and tests). */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  { numPartitions = 3, replicationFactor = 1, configs = {} }: EnsureTopicsOptions = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const all = [...new Set(topics.flatMap((t) => [t, deadLetterTopic(t)]))];
    const wanted = all.filter((t) => !existing.has(t));
    if (wanted.length) {
      await admin.createTopics({
        waitForLeaders: false,
        topics: wanted.map((topic) => ({
          topic,
          numPartitions,
          replicationFactor,
          ...(configs[topic] ? { configEntries: Object.entries(configs[topic]).map(([name, value]) => ({ name, value })) } : {}),
        })),
      });
    }
    // Also those another process created a moment ago: listed is not yet led.
    await waitForLeaders(admin, all);
  } finally {
    await admin.disconnect();
  }
}

const NOT_THERE_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** kafkajs wraps a protocol error it gave up retrying (KafkaJSNumberOfRetriesExceeded): its type is on a cause. */
function notThereYet(e: unknown): boolean {
  for (let at: unknown = e; at; at = (at as { cause?: unknown }).cause)
    if (NOT_THERE_YET.has((at as { type?: string }).type ?? '')) return true;
  return false;
}

/**
 * Waits until every partition of `topics` has a leader that serves it. kafkajs's own
 * `waitForLeaders` gives up on the first metadata answer that does not know the topic yet — which
 * a KRaft broker gives for a moment after creating it ("This server does not host this
 * topic-partition") — so a consumer or test that used the topic next failed now and then. A leader
 * named in the metadata may still refuse its partition ("This server is not the leader"): a send
 * to two partitions then half succeeds, and a producer that is not idempotent writes the written
 * half again when it retries (a clean-clone CI read two of five records twice). So each leader is
 * also asked for its partitions' offsets. Such answers are waited out here, to a deadline.
 */
export async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (
        described.length === topics.length &&
        described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      ) {
        await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
        return;
      }
    } catch (e) {
      if (!notThereYet(e)) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, pause));
  }
}

/**
 * Whether kafkajs says a later try may succeed: on the error, or on the one it gave up retrying
 * (KafkaJSNumberOfRetriesExceeded wraps it). An error kafkajs itself made final stays final.
 */
function retriable(e: unknown): boolean {
  const error = e as { name?: string; retriable?: boolean; cause?: { retriable?: boolean } } | undefined;
  if (error?.retriable === true) return true;
  return error?.name === 'KafkaJSNumberOfRetriesExceeded' && error.cause?.retriable === true;
}

/**
 * `call` tried again while kafkajs reports a retriable failure it gave up on, until `timeoutMs`
 * has passed: an admin call right after a broker starts meets "The coordinator is loading" (a
 * county's `follow` failed so at start-up) or a topic a broker does not know yet. An attempt
 * still running at the deadline fails the call (kafkajs's setOffsets never settles when its
 * consumer crashes) and is left behind.
 */
export async function retryingRetriable<T>(call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    try {
      return await within(call(), deadline - Date.now(), () => new Error('no answer from Kafka within the deadline'));
    } catch (e) {
      if (!retriable(e) || Date.now() + pause > deadline) throw e;
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}
