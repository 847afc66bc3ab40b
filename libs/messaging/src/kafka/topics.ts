import type { Kafka } from 'kafkajs';
import { deadLetterTopic } from '@vanguard/contracts';

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
    const wanted = [...new Set(topics.flatMap((t) => [t, deadLetterTopic(t)]))].filter((t) => !existing.has(t));
    if (wanted.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({
          topic,
          numPartitions,
          replicationFactor,
          ...(configs[topic] ? { configEntries: Object.entries(configs[topic]).map(([name, value]) => ({ name, value })) } : {}),
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
