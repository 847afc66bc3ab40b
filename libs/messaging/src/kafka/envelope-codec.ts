import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { ENVELOPE_HEADERS, type EventEnvelope } from '@vanguard/contracts';

/** Envelope fields as Kafka headers (string values), beside the JSON envelope in the value. */
export function envelopeHeaders(e: EventEnvelope): Record<string, string> {
  const h: Record<string, string> = {
    [ENVELOPE_HEADERS.eventId]: e.eventId,
    [ENVELOPE_HEADERS.type]: e.type,
    [ENVELOPE_HEADERS.version]: String(e.version),
    [ENVELOPE_HEADERS.streamId]: e.streamId,
    [ENVELOPE_HEADERS.streamVersion]: String(e.streamVersion),
    [ENVELOPE_HEADERS.occurredAt]: e.occurredAt,
    [ENVELOPE_HEADERS.correlationId]: e.correlationId,
    [ENVELOPE_HEADERS.orgId]: e.orgId,
  };
  if (e.causationId !== null) h[ENVELOPE_HEADERS.causationId] = e.causationId;
  const tenant = e.metadata?.['tenant'];
  if (typeof tenant === 'string') h[ENVELOPE_HEADERS.tenant] = tenant;
  return h;
}

/** The Kafka message of an event: key = streamId so one aggregate's events stay in one partition, in order. */
export function toKafkaMessage(e: EventEnvelope): Message {
  return { key: e.streamId, value: JSON.stringify(e), headers: envelopeHeaders(e) };
}

export function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

export type DecodedMessage = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Parses the JSON value; schema checks are the contract registry's job. */
export function decodeKafkaValue(message: Pick<KafkaMessage, 'value'>): DecodedMessage {
  if (message.value === null || message.value.length === 0) return { ok: false, message: 'empty value (tombstone)' };
  try {
    return { ok: true, value: JSON.parse(message.value.toString('utf8')) };
  } catch (e) {
    return { ok: false, message: `value is not JSON: ${(e as Error).message}` };
  }
}
