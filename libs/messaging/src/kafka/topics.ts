import type { Kafka } from 'kafkajs';
import { deadLetterTopic } from '@vanguard/contracts';
import { waitForLeaders } from '@vanguard/kafka-topics';
import { within } from '../within';

// Here for the services that import it from messaging; testing's createLedTopics uses it too.
export { waitForLeaders };

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
