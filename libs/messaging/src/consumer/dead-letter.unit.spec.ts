import type { KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_HEADERS, deadLetterMessage, type DeadLetterInfo, type DeadLetterReason } from './dead-letter';

/** A failure whose details the case does not look at. */
const failure = (reason: DeadLetterReason): DeadLetterInfo => ({
  reason,
  error: 'e',
  topic: 't',
  partition: 0,
  consumer: 'c',
  attempts: 0,
  failedAt: new Date(),
});

describe(deadLetterMessage.name, () => {
  const sut = deadLetterMessage;
  const original: KafkaMessage = {
    key: Buffer.from('member-1'),
    value: Buffer.from('{"x":1}'),
    headers: { 'vg-event-id': Buffer.from('e-1') },
    offset: '41',
    timestamp: '0',
    attributes: 0,
  };

  it('keepsKeyValueAndHeaders_AndNamesTheFailureAndOrigin', () => {
    const m = sut(original, {
      reason: 'handler-failed',
      error: 'Error: boom',
      topic: 'vanguard.organization.events.v1',
      partition: 2,
      consumer: 'reporting',
      attempts: 5,
      failedAt: new Date('2011-07-01T00:00:00Z'),
    });
    expect(m.key).toBe(original.key);
    expect(m.value).toBe(original.value);
    expect(m.headers).toMatchObject({
      'vg-event-id': original.headers['vg-event-id'],
      [DEAD_LETTER_HEADERS.reason]: 'handler-failed',
      [DEAD_LETTER_HEADERS.error]: 'Error: boom',
      [DEAD_LETTER_HEADERS.originalTopic]: 'vanguard.organization.events.v1',
      [DEAD_LETTER_HEADERS.originalPartition]: '2',
      [DEAD_LETTER_HEADERS.originalOffset]: '41',
      [DEAD_LETTER_HEADERS.consumer]: 'reporting',
      [DEAD_LETTER_HEADERS.attempts]: '5',
      [DEAD_LETTER_HEADERS.failedAt]: '2011-07-01T00:00:00.000Z',
    });
  });

  it('truncatesLongErrors', () => {
    const m = sut(original, {
      reason: 'schema-violation',
      error: 'x'.repeat(5000),
      topic: 't',
      partition: 0,
      consumer: 'c',
      attempts: 0,
      failedAt: new Date(),
    });
    expect(String(m.headers![DEAD_LETTER_HEADERS.error]).length).toBe(2000);
  });

  it('dropsCredentials_WhateverTheirCase_AndKeepsTheOtherHeaders', () => {
    const withToken: KafkaMessage = {
      ...original,
      headers: {
        ...original.headers,
        authorization: Buffer.from('Bearer eyJhbGciOi.a.b'),
        'Proxy-Authorization': 'Basic x',
        Cookie: 'k=v',
        'vg-county-message': 'm-1',
      },
    };
    const m = sut(withToken, failure('unauthenticated'));
    const names = Object.keys(m.headers!).map((n) => n.toLowerCase());
    expect(names.filter((n) => ['authorization', 'proxy-authorization', 'cookie'].includes(n))).toEqual([]);
    expect(m.headers).toMatchObject({ 'vg-event-id': original.headers['vg-event-id'], 'vg-county-message': 'm-1' });
  });
});

describe(`${deadLetterMessage.name} of a record carrying vg-dlq-* headers of its own`, () => {
  // A sender's own omission headers on a letter kept whole would tell an operator its value was left out.
  it('dropsThem_SoOnlyWhatTheConsumerSaysIsSaid', () => {
    const forged: KafkaMessage = {
      key: Buffer.from('k'),
      value: Buffer.from('{"x":1}'),
      headers: {
        'vg-event-id': 'e-1',
        [DEAD_LETTER_HEADERS.valueOmitted]: '99',
        'VG-DLQ-VALUE-SHA256': 'ab'.repeat(32),
        [DEAD_LETTER_HEADERS.reason]: 'forged',
      },
      offset: '7',
      timestamp: '0',
      attributes: 0,
    };
    const m = deadLetterMessage(forged, failure('schema-violation'));
    const names = Object.keys(m.headers!).map((n) => n.toLowerCase());
    expect(names.filter((n) => n.startsWith('vg-dlq-value'))).toEqual([]);
    expect(m.headers).toMatchObject({ 'vg-event-id': 'e-1', [DEAD_LETTER_HEADERS.reason]: 'schema-violation' });
    expect(m.value).toBe(forged.value);
  });
});
