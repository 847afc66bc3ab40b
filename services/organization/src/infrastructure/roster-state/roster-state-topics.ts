import type { Kafka } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { ROSTER_STATE_TOPICS } from '@vanguard/contracts';
import { waitForLeaders } from '@vanguard/messaging';

const COMPACT = [
  { name: 'cleanup.policy', value: 'compact' },
  // Tombstones stay a day, so a consumer that is behind still sees a deletion.
  { name: 'delete.retention.ms', value: String(24 * 3600 * 1000) },
];

/**
 * Creates the state topics compacted, or makes an existing one compacted (another process may
 * have created it with the broker defaults first): a state topic that deletes by age would lose
 * the organisations and members that have not changed for a week.
 */
export async function ensureCompactedStateTopics(kafka: Kafka, topics: readonly string[] = ROSTER_STATE_TOPICS): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length)
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1, configEntries: COMPACT })),
      });
    await waitForLeaders(admin, topics);
    const present = topics.filter((t) => existing.has(t));
    if (!present.length) return;
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
    });
    const notCompacted = described.resources
      .filter((r) => r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue !== 'compact')
      .map((r) => r.resourceName);
    if (notCompacted.length)
      await admin.alterConfigs({
        validateOnly: false,
        resources: notCompacted.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configEntries: COMPACT })),
      });
  } finally {
    await admin.disconnect();
  }
}
