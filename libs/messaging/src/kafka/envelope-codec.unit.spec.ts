import { ENVELOPE_HEADERS, type EventEnvelope } from '@vanguard/contracts';
import { decodeKafkaValue, headerValue, toKafkaMessage } from './envelope-codec';

const event: EventEnvelope = {
  eventId: '6f1c1c1e-8a43-4c55-9c8e-2a7a4c3f1b10',
  type: 'organization.MemberJoined',
  version: 1,
  streamId: 'member-00000000-0000-4000-8000-000000000042',
  streamVersion: 3,
  occurredAt: '2011-04-01T08:00:00.000Z',
  recordedAt: '2011-04-01T08:00:00.100Z',
  actor: { sub: 'organizer', roles: ['organizer'] },
  orgId: '00000000-0000-4000-8000-000000130102',
  correlationId: 'c-1',
  causationId: null,
  data: { any: 'thing' },
  metadata: { tenant: 'county-1301' },
};

describe(toKafkaMessage.name, () => {
  const sut = toKafkaMessage;

  it('keysTheMessageByStreamId_SoOneAggregateStaysOnOnePartition', () => {
    expect(sut(event).key).toBe(event.streamId);
  });

  it('carriesTheWholeEnvelopeAsJsonValue', () => {
    expect(JSON.parse(String(sut(event).value))).toEqual(event);
  });

  it('copiesEnvelopeFieldsIntoHeaders_AndLeavesOutANullCausation', () => {
    const h = sut(event).headers!;
    expect(h[ENVELOPE_HEADERS.eventId]).toBe(event.eventId);
    expect(h[ENVELOPE_HEADERS.version]).toBe('1');
    expect(h[ENVELOPE_HEADERS.streamVersion]).toBe('3');
    expect(h[ENVELOPE_HEADERS.tenant]).toBe('county-1301');
    expect(ENVELOPE_HEADERS.causationId in h).toBe(false);
    expect(sut({ ...event, causationId: 'cause-1' }).headers![ENVELOPE_HEADERS.causationId]).toBe('cause-1');
  });
});

describe(decodeKafkaValue.name, () => {
  const sut = decodeKafkaValue;

  it('WhenValueIsJson_ReturnsIt', () => {
    expect(sut({ value: Buffer.from('{"a":1}') })).toEqual({ ok: true, value: { a: 1 } });
  });

  it('WhenValueIsNotJson_SaysSo', () => {
    expect(sut({ value: Buffer.from('{nope') })).toMatchObject({ ok: false, message: expect.stringMatching(/not JSON/) });
  });

  it('WhenValueIsATombstone_SaysSo', () => {
    expect(sut({ value: null })).toMatchObject({ ok: false, message: expect.stringMatching(/tombstone/) });
  });
});

describe(headerValue.name, () => {
  it('readsBuffersStringsAndArrays', () => {
    const sut = headerValue;
    expect(sut({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('z')] }, 'a')).toBe('x');
    expect(sut({ b: 'y' }, 'b')).toBe('y');
    expect(sut({ c: [Buffer.from('z')] }, 'c')).toBe('z');
    expect(sut(undefined, 'a')).toBeUndefined();
  });
});
