import type { Kafka } from 'kafkajs';
import { deadLetterTopic } from '@vanguard/contracts';

/** Creates each topic and its `.dlq` twin if missing (for migrations, local start-up and tests). */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  { numPartitions = 3, replicationFactor = 1 } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [...new Set(topics.flatMap((t) => [t, deadLetterTopic(t)]))].filter((t) => !existing.has(t));
    if (wanted.length) {
      await admin.createTopics({ waitForLeaders: true, topics: wanted.map((topic) => ({ topic, numPartitions, replicationFactor })) });
    }
  } finally {
    await admin.disconnect();
  }
}
