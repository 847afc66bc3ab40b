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

/** The original key, value and headers, plus headers naming the failure and where the message came from. */
export function deadLetterMessage(original: KafkaMessage, info: DeadLetterInfo): Message {
  const headers: IHeaders = {
    ...(original.headers ?? {}),
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
