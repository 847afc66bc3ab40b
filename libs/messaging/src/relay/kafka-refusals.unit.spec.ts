import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@vanguard/contracts';
import { encode, kafkaErrorTypes } from './kafka-refusals';

function envelope(overrides: Record<string, unknown> = {}): EventEnvelope {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'msgtest.ThingHappened',
    version: 1,
    streamId: 'thing-1',
    streamVersion: 1,
    occurredAt: now,
    recordedAt: now,
    actor: { sub: 'test', roles: [] },
    orgId: 'org-1',
    correlationId: 'c',
    causationId: null,
    data: { n: 1 },
    ...overrides,
  };
}

describe(encode.name, () => {
  it('encode_WhenTheEnvelopeIsPlainJson_GivesTheKafkaMessage', () => {
    const m = encode(envelope());
    expect(typeof m === 'string' ? m : m.key).toBe('thing-1');
  });

  it('encode_WhenAHeaderWouldNotBeAString_NamesItInsteadOfThrowingMidRequest', () => {
    expect(encode(envelope({ orgId: 910425 }))).toBe('header vg-org-id is number, not a string');
  });

  it('encode_WhenTheDataIsNotJson_SaysWhy', () => {
    expect(encode(envelope({ data: { n: BigInt(1) } }))).toMatch(/BigInt/);
  });
});

describe(kafkaErrorTypes.name, () => {
  it('kafkaErrorTypes_WhenRetriesWrapTheBrokersAnswer_FindsItInTheCauses', () => {
    const broker = Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(kafkaErrorTypes(new Error('retries exceeded', { cause: broker }))).toEqual(['UNKNOWN_TOPIC_OR_PARTITION']);
  });
});
