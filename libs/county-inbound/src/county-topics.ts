import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { COUNTY_INBOUND_TOPIC, countyReplyTopic } from '@vanguard/contracts';
import { ensureTopics } from '@vanguard/messaging';

/** The broker stamps each record when it receives it: the instant the gate checks tokens at. */
export const INBOUND_TOPIC_CONFIG = { 'message.timestamp.type': 'LogAppendTime' } as const;

/**
 * Creates the county inbound topic with LogAppendTime, its DLQ, and each county's reply topic.
 * An inbound topic that exists with CreateTime (created before the gate, or by a producer) is
 * switched to LogAppendTime, keeping its other non-default settings: with CreateTime a county
 * could backdate a record to when its expired token was still valid. Answers the inbound topic's
 * `retention.ms` (-1: kept for ever), which the gate's idempotency window must outlast.
 */
export async function ensureCountyTopics(
  kafka: Kafka,
  counties: readonly string[],
  { inboundTopic = COUNTY_INBOUND_TOPIC, numPartitions = 3 }: { inboundTopic?: string; numPartitions?: number } = {},
): Promise<{ inboundRetentionMs: number | undefined }> {
  await ensureTopics(kafka, [inboundTopic, ...counties.map(countyReplyTopic)], {
    numPartitions,
    configs: { [inboundTopic]: INBOUND_TOPIC_CONFIG },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: inboundTopic }],
    });
    const entries = described.resources[0]?.configEntries ?? [];
    const retention = entries.find((e) => e.configName === 'retention.ms')?.configValue;
    const answer = { inboundRetentionMs: retention === undefined ? undefined : Number(retention) };
    if (entries.find((e) => e.configName === 'message.timestamp.type')?.configValue === 'LogAppendTime') return answer;
    // AlterConfigs replaces the topic's whole config: send its non-default settings with the fix.
    const kept = entries.filter((e) => !e.isDefault && e.configName !== 'message.timestamp.type' && !e.readOnly);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: inboundTopic,
          configEntries: [
            ...kept.map((e) => ({ name: e.configName, value: e.configValue })),
            { name: 'message.timestamp.type', value: 'LogAppendTime' },
          ],
        },
      ],
    });
    return answer;
  } finally {
    await admin.disconnect();
  }
}
