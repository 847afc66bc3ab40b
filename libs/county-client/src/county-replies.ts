import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
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
 * see a reply again: replies are at least once, keyed by message id).
 */
export async function consumeReplies(client: CountyClient, options: ConsumeRepliesOptions): Promise<void> {
  const consumer = client.kafka.consumer({ groupId: options.groupId ?? `${client.clientId}.replies`, allowAutoTopicCreation: false });
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
    await untilAborted(options.signal);
  } finally {
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
