import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/** Why a message left the main topic. */
export type DeadLetterReason =
  | 'malformed-json'
  | 'malformed-envelope'
  | 'unknown-type'
  | 'schema-violation'
  | 'handler-failed'
  // The sender could not be proven (the county inbound gate: no valid token at the broker's timestamp).
  | 'unauthenticated'
  // A valid envelope its context's producer did not sign (unsigned, unknown key, bad signature, another context's key).
  | 'forged';

export const DEAD_LETTER_HEADERS = {
  reason: 'vg-dlq-reason',
  error: 'vg-dlq-error',
  originalTopic: 'vg-dlq-original-topic',
  originalPartition: 'vg-dlq-original-partition',
  originalOffset: 'vg-dlq-original-offset',
  consumer: 'vg-dlq-consumer',
  attempts: 'vg-dlq-attempts',
  failedAt: 'vg-dlq-failed-at',
} as const;

export interface DeadLetterInfo {
  readonly reason: DeadLetterReason;
  readonly error: string;
  readonly topic: string;
  readonly partition: number;
  readonly consumer: string;
  /** Handler attempts made; 0 for messages rejected before handling. */
  readonly attempts: number;
  readonly failedAt: Date;
}

/**
 * Headers a dead letter does not keep: a county's bearer token lives for minutes and also opens
 * the HTTP API, and whoever may read a dead-letter topic (operators, their tools) is not who the
 * token was given to.
 */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** The original key, value and headers but credentials, plus headers naming the failure and where the message came from. */
export function deadLetterMessage(original: KafkaMessage, info: DeadLetterInfo): Message {
  const kept = Object.entries(original.headers ?? {}).filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase()));
  const headers: IHeaders = {
    ...Object.fromEntries(kept),
    [DEAD_LETTER_HEADERS.reason]: info.reason,
    [DEAD_LETTER_HEADERS.error]: info.error.slice(0, 2000),
    [DEAD_LETTER_HEADERS.originalTopic]: info.topic,
    [DEAD_LETTER_HEADERS.originalPartition]: String(info.partition),
    [DEAD_LETTER_HEADERS.originalOffset]: original.offset,
    [DEAD_LETTER_HEADERS.consumer]: info.consumer,
    [DEAD_LETTER_HEADERS.attempts]: String(info.attempts),
    [DEAD_LETTER_HEADERS.failedAt]: info.failedAt.toISOString(),
  };
  return { key: original.key, value: original.value, headers };
}
