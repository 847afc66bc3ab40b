import type { Message, TopicMessages } from 'kafkajs';
import type { EventEnvelope } from '@vanguard/contracts';
import { toKafkaMessage } from '../kafka/envelope-codec';

// How the relay tells a record Kafka refuses for what it is from a Kafka it cannot reach.

export interface Outgoing {
  readonly envelope: EventEnvelope;
  readonly topic: string;
  readonly message: Message;
}

/** Kafka error codes that say the record is too big for the broker or topic. */
export const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
/** Kafka error codes that say the broker rejected the record itself, or its topic's name. */
export const INVALID = new Set(['INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TOPIC_EXCEPTION', 'UNSUPPORTED_FOR_MESSAGE_FORMAT']);

/** The `type`s of a kafkajs error and its causes (retries wrap the broker's answer). */
export function kafkaErrorTypes(e: unknown): string[] {
  const types: string[] = [];
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const type = (c as { type?: unknown }).type;
    if (typeof type === 'string') types.push(type);
  }
  return types;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The Kafka message, or why none can carry the envelope (kafkajs would throw mid-request on a non-string header). */
export function encode(envelope: EventEnvelope): Message | string {
  try {
    const m = toKafkaMessage(envelope);
    if (typeof m.key !== 'string' || !m.key)
      return `the key (streamId) is ${typeof m.key === 'string' ? 'empty' : typeof m.key}, not a string`;
    for (const [name, value] of Object.entries(m.headers ?? {})) {
      if (typeof value !== 'string') return `header ${name} is ${typeof value}, not a string`;
    }
    return m;
  } catch (e) {
    return errorText(e);
  }
}

export function byTopic(outgoing: readonly Outgoing[]): TopicMessages[] {
  const topics = new Map<string, TopicMessages>();
  for (const o of outgoing) {
    const entry = topics.get(o.topic) ?? { topic: o.topic, messages: [] };
    entry.messages.push(o.message);
    topics.set(o.topic, entry);
  }
  return [...topics.values()];
}
