import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { IDLE_FETCH_WAIT_MS, setIdleGroupOffsets, type TopicOffsets } from '@vanguard/kafka-topics';
import { retryingRetriable } from '@vanguard/messaging/kafka';
import type { CountyClient } from './county-client';

/** The county's reply topic (COUNTY.md, "Reply"): one per county, so ACLs let it read only its own. */
export function replyTopicOf(clientId: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(clientId)) throw new Error(`invalid county client id: ${clientId}`);
  return `vanguard.county.replies.${clientId}.v1`;
}

/** One `county.MessageOutcome`: what the platform did with one of the county's messages. */
export interface CountyReply {
  readonly messageId: string;
  readonly messageType: string;
  readonly subject: string | null;
  readonly service: string;
  readonly outcome: 'applied' | 'refused' | 'duplicate';
  readonly code?: string;
  readonly reason?: string;
  readonly originalOutcome?: 'applied' | 'refused';
  readonly result?: Readonly<Record<string, string>>;
}

/** Pure: the reply in a record's value (an EventEnvelope of county.MessageOutcome), or undefined for anything else. */
export function parseReply(value: Buffer | string | null): CountyReply | undefined {
  if (value === null) return undefined;
  try {
    const envelope = JSON.parse(value.toString()) as { type?: string; data?: Partial<CountyReply> };
    const d = envelope.data;
    if (envelope.type !== 'county.MessageOutcome' || !d || typeof d.messageId !== 'string' || typeof d.outcome !== 'string')
      return undefined;
    return d as CountyReply;
  } catch {
    return undefined;
  }
}

const OUTCOME_LABEL: Readonly<Record<CountyReply['outcome'], string>> = {
  applied: '已应用',
  refused: '被拒绝',
  duplicate: '重复消息（未再应用）',
};

/** Pure: one line for people, e.g. `消息 8f…: 被拒绝 [COUNTY.OUT_OF_SCOPE] … （county.RosterMemberSynced，organization）`. */
export function describeReply(r: CountyReply): string {
  const parts = [`消息 ${r.messageId}: ${OUTCOME_LABEL[r.outcome] ?? r.outcome}`];
  if (r.outcome === 'duplicate' && r.originalOutcome) parts.push(`原结果: ${OUTCOME_LABEL[r.originalOutcome]}`);
  if (r.code) parts.push(`[${r.code}]`);
  if (r.reason) parts.push(`原因: ${r.reason}`);
  if (r.result && Object.keys(r.result).length) parts.push(`结果: ${JSON.stringify(r.result)}`);
  parts.push(`（${r.messageType}，处理服务: ${r.service}）`);
  return parts.join(' ');
}

export interface ConsumeRepliesOptions {
  /** Default `<clientId>.replies`; production ACLs allow the county only groups with its own prefix. */
  readonly groupId?: string;
  /** A new group starts at the beginning of the topic (default) rather than at its end. */
  readonly fromBeginning?: boolean;
  readonly onReply: (reply: CountyReply) => void | Promise<void>;
  readonly signal: AbortSignal;
}

/**
 * Reads the county's reply topic in its own consumer group until `signal` aborts. Offsets are
 * committed after each batch was handed over, so a restart resumes where it stopped (and may
 * see a reply again: replies are at least once, keyed by message id). Rejects with
 * ConsumerStopped when the consumer stops on its own (a refused group, say).
 */
export async function consumeReplies(client: CountyClient, options: ConsumeRepliesOptions): Promise<void> {
  const groupId = options.groupId ?? `${client.clientId}.replies`;
  const consumer = client.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: IDLE_FETCH_WAIT_MS });
  const stopped = watchStop(consumer, groupId);
  await consumer.connect();
  try {
    await subscribeWhenThere(client.kafka, consumer, replyTopicOf(client.clientId), options.fromBeginning ?? true, options.signal);
    if (options.signal.aborted) return;
    await consumer.run({
      eachBatch: async (payload: EachBatchPayload) => {
        const { batch } = payload;
        for (const m of batch.messages) {
          const reply = parseReply(m.value);
          if (reply) await options.onReply(reply);
          payload.resolveOffset(m.offset);
        }
        await payload.heartbeat();
      },
    });
    await stopped.until(options.signal);
  } finally {
    stopped.dispose();
    await consumer.disconnect();
  }
}

/**
 * Subscribes to each of `topics` that exists; waits while none does (a reply topic appears with
 * the platform's first answer). Returns the topics subscribed; topics created later are
 * followed after a restart. (kafkajs keeps a topic that failed to subscribe in its list, so
 * existence is asked first.)
 */
export async function subscribeWhenThere(
  kafka: Kafka,
  consumer: Consumer,
  topic: string | readonly string[],
  fromBeginning: boolean,
  signal: AbortSignal,
): Promise<string[]> {
  const wanted = typeof topic === 'string' ? [topic] : [...topic];
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      const existing = new Set(await admin.listTopics());
      const topics = wanted.filter((t) => existing.has(t));
      if (topics.length > 0) {
        await consumer.subscribe({ topics, fromBeginning });
        return topics;
      }
      if (signal.aborted) return [];
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect();
  }
}

export const untilAborted = (signal: AbortSignal): Promise<void> =>
  signal.aborted ? Promise.resolve() : new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));

/** The county's consumer stopped without being asked (kafkajs gave up on it): `replies` / `follow` fail with it. */
export class ConsumerStopped extends Error {
  constructor(
    readonly groupId: string,
    cause?: unknown,
  ) {
    super(`消费组 ${groupId} 的消费者已停止: ${cause === undefined ? '未经要求而停止' : explain(cause)}`, { cause });
    this.name = 'ConsumerStopped';
  }
}

/** Each message along an error's causes, with the broker's error code: kafkajs wraps the broker's answer. */
function explain(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as { name?: unknown; message?: unknown; type?: unknown; cause?: unknown; originalError?: unknown } | undefined;
    e && parts.length < 5;
  ) {
    const code = [e.name, e.type].filter((c): c is string => typeof c === 'string' && c !== 'Error').join(' ');
    const text = `${typeof e.message === 'string' ? e.message : JSON.stringify(e)}${code ? ` [${code}]` : ''}`;
    if (!parts.includes(text)) parts.push(text);
    e = (e.cause ?? e.originalError) as typeof e;
  }
  // kafkajs tries each broker and keeps none of their answers: a group the county's ACLs refuse
  // (GROUP_AUTHORIZATION_FAILED) reaches here as this error only.
  if ((error as { name?: unknown }).name === 'KafkaJSGroupCoordinatorNotFound')
    parts.push('代理拒绝了该消费组？本县只可用以本县 client id 加 "." 开头的组');
  return parts.join(' ← ');
}

/**
 * Watches a consumer from before it runs: kafkajs reports a failure it will not retry (a group
 * the ACLs refuse, an error thrown while handling a batch) only as a CRASH event, so a caller
 * that merely waited for its signal would wait for ever, or exit 0 once nothing else keeps the
 * process alive. A crash stops the consumer first (STOP, DISCONNECT) and emits CRASH right after;
 * a STOP and DISCONNECT with no CRASH behind them is a stop nobody asked for (the client closed).
 */
export function watchStop(consumer: Consumer, groupId: string): { until(signal: AbortSignal): Promise<void>; dispose(): void } {
  let fail!: (e: ConsumerStopped) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // a failure after the caller stopped waiting is nobody's to handle
  let crashedSinceStop = false;
  const removers = [
    consumer.on(consumer.events.STOP, () => (crashedSinceStop = false)),
    consumer.on(consumer.events.CRASH, (e) => {
      crashedSinceStop = true;
      if (!e.payload.restart) fail(new ConsumerStopped(groupId, e.payload.error));
    }),
    // Between DISCONNECT and a crash's CRASH kafkajs runs only promise continuations, so by the next
    // turn of the event loop a crash has been reported; if none was, the stop was not a crash's.
    consumer.on(consumer.events.DISCONNECT, () => setImmediate(() => crashedSinceStop || fail(new ConsumerStopped(groupId)))),
  ];
  return {
    until: (signal) => Promise.race([untilAborted(signal), failed]),
    dispose: () => removers.forEach((remove) => remove()),
  };
}

/**
 * Where a group starts reading. A brand-new group (no offset committed on any of `topics`, and not
 * `known` to have started before) starts `toEnd`'s topics at their ends, committed now, so a
 * county that goes offline right after starting resumes from there, never from "latest". Any
 * other partition without a committed offset (a topic created after the group first started, a
 * partition added) is left to start from its beginning: pinning it to its end on a restart would
 * skip what was published while the county was away. `commit` is the broker's by default (tests replace it).
 */
export async function pinNewGroupStart(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
  options: { toEnd: readonly string[]; known: boolean },
  commit: typeof setIdleGroupOffsets = setIdleGroupOffsets,
): Promise<void> {
  if (options.known || topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await retryingRetriable(() => admin.fetchOffsets({ groupId, topics: [...topics] }));
    if (committed.some((t) => t.partitions.some((p) => p.offset !== '-1'))) return;
    const offsets: TopicOffsets[] = [];
    for (const topic of topics.filter((t) => options.toEnd.includes(t))) {
      const ends = await retryingRetriable(() => admin.fetchTopicOffsets(topic));
      offsets.push({ topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    }
    // Within retryingRetriable's 30 s, so an attempt that runs out ends before the call gives up.
    await retryingRetriable(() => commit(kafka, groupId, offsets, 20_000));
  } finally {
    await admin.disconnect();
  }
}
