import { createHash } from 'node:crypto';
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
  // Set only on a dead letter that left part of the original out (see DeadLetterOmission).
  valueOmitted: 'vg-dlq-value-omitted',
  valueSha256: 'vg-dlq-value-sha256',
  headersOmitted: 'vg-dlq-headers-omitted',
  keyOmitted: 'vg-dlq-key-omitted',
} as const;

/**
 * What a dead letter leaves out of the original when its topic refused it as too large: the
 * original stays in its own topic for that topic's retention, where the vg-dlq-original-* headers
 * find it, and a partition that cannot dead-letter a message cannot move past it.
 */
export type DeadLetterOmission = 'value' | 'headers' | 'key';

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

/**
 * The original key, value and headers but credentials, plus headers naming the failure and where
 * the message came from. Each part `omitted` is left out and replaced by a header saying so: its
 * byte length (a value also its SHA-256, to tell the record found by offset is the same one).
 */
export function deadLetterMessage(original: KafkaMessage, info: DeadLetterInfo, omitted: readonly DeadLetterOmission[] = []): Message {
  const kept = keptHeaders(original);
  const headers: IHeaders = {
    ...(omitted.includes('headers') ? {} : Object.fromEntries(kept)),
    [DEAD_LETTER_HEADERS.reason]: info.reason,
    [DEAD_LETTER_HEADERS.error]: info.error.slice(0, 2000),
    [DEAD_LETTER_HEADERS.originalTopic]: info.topic,
    [DEAD_LETTER_HEADERS.originalPartition]: String(info.partition),
    [DEAD_LETTER_HEADERS.originalOffset]: original.offset,
    [DEAD_LETTER_HEADERS.consumer]: info.consumer,
    [DEAD_LETTER_HEADERS.attempts]: String(info.attempts),
    [DEAD_LETTER_HEADERS.failedAt]: info.failedAt.toISOString(),
  };
  if (omitted.includes('value')) {
    const value = original.value ?? Buffer.alloc(0);
    headers[DEAD_LETTER_HEADERS.valueOmitted] = String(value.length);
    headers[DEAD_LETTER_HEADERS.valueSha256] = createHash('sha256').update(value).digest('hex');
  }
  if (omitted.includes('headers')) headers[DEAD_LETTER_HEADERS.headersOmitted] = String(headerBytes(kept));
  if (omitted.includes('key')) headers[DEAD_LETTER_HEADERS.keyOmitted] = String(original.key?.length ?? 0);
  // Dead-letter topics are not compacted (that would keep one letter per key): a null value there is no tombstone.
  return {
    key: omitted.includes('key') ? null : original.key,
    value: omitted.includes('value') ? null : original.value,
    headers,
  };
}

/**
 * The omissions worth trying, in order, when a dead letter is refused as too large: none, then
 * the value, then the original headers too, then the key too; a step that would leave out
 * nothing more (no value, no headers, no key) is skipped. The last leaves only what we add.
 */
export function deadLetterFallbacks(original: KafkaMessage): DeadLetterOmission[][] {
  const steps: DeadLetterOmission[][] = [[]];
  const more = (part: DeadLetterOmission) => steps.push([...steps[steps.length - 1]!, part]);
  if (original.value?.length) more('value');
  if (keptHeaders(original).length) more('headers');
  if (original.key?.length) more('key');
  return steps;
}

function keptHeaders(original: KafkaMessage): [string, IHeaders[string]][] {
  // The record's own vg-dlq-* headers go too: a sender's `vg-dlq-value-omitted` on a letter kept
  // whole would tell an operator its value was left out, with a digest of the sender's choosing.
  return Object.entries(original.headers ?? {}).filter(
    ([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase()) && !name.toLowerCase().startsWith('vg-dlq-'),
  );
}

/** The bytes of headers' names and values, as the record carries them. */
function headerBytes(headers: readonly [string, IHeaders[string]][]): number {
  const bytes = (v: Buffer | string) => (Buffer.isBuffer(v) ? v.length : Buffer.byteLength(v));
  const values = (v: IHeaders[string]) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  // A repeated header carries its name once per value.
  return headers.reduce((n, [name, v]) => values(v).reduce((m, one) => m + bytes(name) + bytes(one), n), 0);
}
