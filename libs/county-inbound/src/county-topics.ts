import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { COUNTY_INBOUND_TOPIC, countyReplyTopic, deadLetterTopic } from '@vanguard/contracts';
import { ensureTopics } from '@vanguard/messaging';

/** The broker stamps each record when it receives it: the instant the gate checks tokens at. */
export const INBOUND_TOPIC_CONFIG = { 'message.timestamp.type': 'LogAppendTime' } as const;

const DAY_MS = 86_400_000;
/** A county offline for two weeks still finds every answer (docs/county-integration.md, "Topics and retention"). */
export const REPLY_TOPIC_CONFIG = { 'retention.ms': String(14 * DAY_MS) } as const;
/** Operators read a dead letter's reason and tell the county: a month to do it in. */
export const INBOUND_DLQ_CONFIG = { 'retention.ms': String(30 * DAY_MS) } as const;

/**
 * Creates the county inbound topic with LogAppendTime, its DLQ kept 30 days or more, and each
 * county's reply topic kept 14 days or more; a topic that exists with less is switched, keeping its other
 * non-default settings. With CreateTime a county could backdate a record to when its expired
 * token was still valid; with the broker's default 7 days a county back after a week lost the
 * replies the documents promise it (a probe found every one of them at the default). Answers the
 * inbound topic's `retention.ms` (-1: kept for ever), which the gate's idempotency window must outlast.
 */
export async function ensureCountyTopics(
  kafka: Kafka,
  counties: readonly string[],
  { inboundTopic = COUNTY_INBOUND_TOPIC, numPartitions = 3 }: { inboundTopic?: string; numPartitions?: number } = {},
): Promise<{ inboundRetentionMs: number | undefined }> {
  const configs: Record<string, Readonly<Record<string, string>>> = {
    [inboundTopic]: INBOUND_TOPIC_CONFIG,
    [deadLetterTopic(inboundTopic)]: INBOUND_DLQ_CONFIG,
    ...Object.fromEntries(counties.map((c) => [countyReplyTopic(c), REPLY_TOPIC_CONFIG])),
  };
  await ensureTopics(kafka, [inboundTopic, ...counties.map(countyReplyTopic)], { numPartitions, configs });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const current = await alignTopicConfigs(admin, configs);
    const retention = current.get(inboundTopic)?.get('retention.ms');
    return { inboundRetentionMs: retention === undefined ? undefined : Number(retention) };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Sets `wanted` on each topic whose config falls short of it, keeping its other non-default
 * settings (AlterConfigs replaces a topic's whole config); answers each topic's config as it now is.
 */
async function alignTopicConfigs(
  admin: Admin,
  wanted: Readonly<Record<string, Readonly<Record<string, string>>>>,
): Promise<Map<string, Map<string, string>>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: Object.keys(wanted).map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  const current = new Map<string, Map<string, string>>();
  const changes = [];
  for (const resource of described.resources) {
    const entries = resource.configEntries;
    const now = new Map(entries.map((e) => [e.configName, e.configValue] as const));
    current.set(resource.resourceName, now);
    const short = Object.entries(wanted[resource.resourceName] ?? {}).filter(([name, value]) => !satisfies(name, now.get(name), value));
    if (short.length === 0) continue;
    const kept = entries.filter((e) => !e.isDefault && !e.readOnly && !short.some(([name]) => name === e.configName));
    changes.push({
      type: ConfigResourceTypes.TOPIC,
      name: resource.resourceName,
      configEntries: [
        ...kept.map((e) => ({ name: e.configName, value: e.configValue })),
        ...short.map(([name, value]) => ({ name, value })),
      ],
    });
    for (const [name, value] of short) now.set(name, value);
  }
  if (changes.length) await admin.alterConfigs({ validateOnly: false, resources: changes });
  return current;
}

/**
 * Whether a topic's `current` setting meets `wanted`: a retention only at least as long (an
 * operator's longer one, or -1, for ever, is kept: shortening it would delete what nobody asked
 * to drop, a cold review), anything else exactly.
 */
function satisfies(name: string, current: string | undefined, wanted: string): boolean {
  if (name === 'retention.ms') return current === '-1' || (current !== undefined && Number(current) >= Number(wanted));
  return current === wanted;
}
