import { ConfigResourceTypes, ConfigSource, type Admin, type ConfigEntries, type Kafka } from 'kafkajs';
import { CONTEXT_TOPIC_CONFIG, deadLetterTopic, isContextTopic } from '@vanguard/contracts';
import { waitForLeaders } from '@vanguard/kafka-topics';
import { within } from '../within';

// Here for the services that import it from messaging; testing's createLedTopics uses it too.
export { waitForLeaders };

export interface EnsureTopicsOptions {
  readonly numPartitions?: number;
  readonly replicationFactor?: number;
  /**
   * Topic configs by topic name (not for a `.dlq` twin), e.g. `{ 'message.timestamp.type':
   * 'LogAppendTime' }` for the county inbound topic, set when the topic is created. A context's
   * events topic is created with CONTEXT_TOPIC_CONFIG unless given others.
   */
  readonly configs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * The caller owns these topics (a relay, the county gate): one that exists with less than its
   * configs is raised to them too (alignTopicConfigs), which takes the principal's
   * `DescribeConfigs` and `AlterConfigs` (docs/operations.md). Anyone else leaves a topic as it
   * finds it: a consumer's principal may only read.
   */
  readonly publisher?: boolean;
}

/**
 * Creates each topic and its `.dlq` twin if missing (for migrations, local start-up and tests);
 * for a publisher, also brings each topic's configs up to what is asked, whoever created it first
 * (a release before ADR 0142, the broker's auto-creation), and answers them as they now are.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  { numPartitions = 3, replicationFactor = 1, configs: given = {}, publisher = false }: EnsureTopicsOptions = {},
): Promise<Map<string, Map<string, string>>> {
  const implied = Object.fromEntries(topics.filter(isContextTopic).map((t) => [t, CONTEXT_TOPIC_CONFIG]));
  const configs: Record<string, Readonly<Record<string, string>>> = { ...implied, ...given };
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
    return publisher && Object.keys(configs).length ? await alignTopicConfigs(admin, configs) : new Map();
  } finally {
    await admin.disconnect();
  }
}

/**
 * Sets `wanted` on each topic whose config falls short of it, keeping its other non-default
 * settings (AlterConfigs replaces a topic's whole config); answers each topic's config as it now is.
 */
export async function alignTopicConfigs(
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
    // The topic's own overrides only: a broker-wide setting (log.segment.bytes …) is not default
    // either, and copied here it would be pinned on the topic for ever.
    const kept = entries.filter((e) => isTopicOverride(e) && !e.readOnly && !short.some(([name]) => name === e.configName));
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

/** Set on the topic itself (DescribeConfigs v1 says where each value comes from). */
const isTopicOverride = (e: ConfigEntries): boolean => e.configSource === ConfigSource.TOPIC_CONFIG;

/**
 * Whether a topic's `current` setting meets `wanted`: a retention only at least as long (an
 * operator's longer one, or -1, for ever, is kept: shortening it would delete what nobody asked
 * to drop, a cold review), anything else exactly.
 */
function satisfies(name: string, current: string | undefined, wanted: string): boolean {
  if (name === 'retention.ms') {
    if (current === '-1') return true;
    return wanted !== '-1' && current !== undefined && Number(current) >= Number(wanted);
  }
  return current === wanted;
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
