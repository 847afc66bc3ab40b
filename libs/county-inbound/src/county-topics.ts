import type { Kafka } from 'kafkajs';
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
  const current = await ensureTopics(kafka, [inboundTopic, ...counties.map(countyReplyTopic)], { numPartitions, configs, publisher: true });
  const retention = current.get(inboundTopic)?.get('retention.ms');
  return { inboundRetentionMs: retention === undefined ? undefined : Number(retention) };
}
