import { KafkaJSProtocolError, type IHeaders, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { DEAD_LETTER_HEADERS, deadLetterFallbacks, deadLetterMessage, type DeadLetterInfo } from './dead-letter';
import { sendDeadLetter } from './dead-letter-sender';

// kafkajs builds these from the broker's error code; its typings take an Error or a string.
const refusal = (type: string, code: number, retriable: boolean, message: string) =>
  new KafkaJSProtocolError({ type, code, retriable, name: 'KafkaJSProtocolError', message } as unknown as Error);
const tooLarge = () =>
  refusal('MESSAGE_TOO_LARGE', 10, false, 'The request included a message larger than the max message size the server will accept');

const info: DeadLetterInfo = {
  reason: 'unauthenticated',
  error: 'no bearer token',
  topic: 'vanguard.county.inbound.v1',
  partition: 1,
  consumer: 'organization-county',
  attempts: 0,
  failedAt: new Date('2011-07-01T00:00:00Z'),
};

// Two characters, six bytes: the length a header gives is the record's, in bytes.
const original: KafkaMessage = {
  key: Buffer.from('roster-member-1'),
  value: Buffer.from('松岭', 'utf8'),
  headers: { 'vg-event-id': Buffer.from('e-1'), authorization: 'Bearer a.b.c', 'vg-trace': ['ab', 'cde'] },
  offset: '41',
  timestamp: '0',
  attributes: 0,
};
const SHA256_OF_SONGLING = '907f279b2dc895f71a7fe952d6d1b85ec76723508855d7d384c469041405c452';

const ours = {
  [DEAD_LETTER_HEADERS.reason]: 'unauthenticated',
  [DEAD_LETTER_HEADERS.originalTopic]: 'vanguard.county.inbound.v1',
  [DEAD_LETTER_HEADERS.originalPartition]: '1',
  [DEAD_LETTER_HEADERS.originalOffset]: '41',
};

describe(deadLetterMessage.name, () => {
  const sut = deadLetterMessage;

  it('withTheValueOmitted_CarriesNoValue_AndItsByteLengthAndSha256', () => {
    const m = sut(original, info, ['value']);
    expect(m.value).toBeNull();
    expect(m.key).toBe(original.key);
    expect(m.headers).toMatchObject({
      ...ours,
      'vg-event-id': original.headers['vg-event-id'],
      'vg-dlq-value-omitted': '6',
      'vg-dlq-value-sha256': SHA256_OF_SONGLING,
    });
    expect(m.headers).not.toHaveProperty(DEAD_LETTER_HEADERS.headersOmitted);
    expect(m.headers).not.toHaveProperty(DEAD_LETTER_HEADERS.keyOmitted);
  });

  it('withTheHeadersOmittedToo_KeepsOnlyVgDlqHeaders_AndTheBytesLeftOut', () => {
    const m = sut(original, info, ['value', 'headers']);
    expect(Object.keys(m.headers!).filter((n) => !n.startsWith('vg-dlq-'))).toEqual([]);
    // vg-event-id + e-1, and vg-trace once per value (ab, cde); the credential was never kept.
    expect(m.headers).toMatchObject({ ...ours, 'vg-dlq-headers-omitted': String(11 + 3 + 8 + 2 + 8 + 3), 'vg-dlq-value-omitted': '6' });
    expect(m.key).toBe(original.key);
  });

  it('withTheKeyOmittedToo_CarriesNeitherKeyNorValue_AndTheKeysByteLength', () => {
    const m = sut(original, info, ['value', 'headers', 'key']);
    expect({ key: m.key, value: m.value }).toEqual({ key: null, value: null });
    expect(m.headers).toMatchObject({ ...ours, 'vg-dlq-key-omitted': String('roster-member-1'.length) });
  });

  it('withNothingOmitted_SaysNothingWasOmitted', () => {
    const m = sut(original, info);
    expect(m.value).toBe(original.value);
    expect(Object.keys(m.headers!).filter((n) => /omitted|sha256/.test(n))).toEqual([]);
  });
});

describe(deadLetterFallbacks.name, () => {
  const sut = deadLetterFallbacks;

  it('leavesOutTheValueFirst_ThenTheHeaders_ThenTheKey', () => {
    expect(sut(original)).toEqual([[], ['value'], ['value', 'headers'], ['value', 'headers', 'key']]);
  });

  it('skipsAStepThatWouldLeaveOutNothingMore', () => {
    const bare: KafkaMessage = { ...original, key: null, value: null, headers: { Authorization: 'Bearer a.b.c' } };
    expect(sut(bare)).toEqual([[]]);
    expect(sut({ ...bare, key: Buffer.from('k') })).toEqual([[], ['key']]);
  });
});

describe(sendDeadLetter.name, () => {
  const sut = sendDeadLetter;
  const bytes = (v: Message['value'] | Message['key']) => (v == null ? 0 : Buffer.byteLength(v));
  const sizeOf = (m: Message) =>
    Object.entries(m.headers ?? {})
      .flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((one) => name.length + bytes(one)))
      .reduce((n, b) => n + b, bytes(m.key) + bytes(m.value));

  /** A broker whose dead-letter topic takes records up to `limit` bytes; `fail` answers any send so instead. */
  function broker(limit: number, fail?: () => Error) {
    const tried: Message[] = [];
    const producer = {
      send: ({ messages }: { messages: Message[] }) => {
        const m = messages[0]!;
        tried.push(m);
        if (fail) return Promise.reject(fail());
        return sizeOf(m) > limit ? Promise.reject(tooLarge()) : Promise.resolve([]);
      },
    } as unknown as Producer;
    return { producer, tried };
  }
  const big = (n: number, more: { key?: Buffer; headers?: IHeaders } = {}): KafkaMessage => ({
    ...original,
    value: Buffer.alloc(n, 'x'),
    ...more,
  });

  it('whenTheWholeFits_SendsItWhole', async () => {
    const { producer, tried } = broker(10_000);
    expect(await sut(producer, 't.dlq', original, info)).toEqual([]);
    expect(tried.map((m) => m.value)).toEqual([original.value]);
  });

  it('whenTheWholeIsRefusedAsTooLarge_SendsItAgainWithoutTheValue', async () => {
    const { producer, tried } = broker(10_000);
    expect(await sut(producer, 't.dlq', big(9_900), info)).toEqual(['value']);
    expect(tried).toHaveLength(2);
    expect(tried[1]!.value).toBeNull();
    expect(tried[1]!.headers).toMatchObject({ 'vg-dlq-value-omitted': '9900', 'vg-event-id': original.headers['vg-event-id'] });
  });

  it('whenTheOriginalHeadersAreTooLargeToo_DropsThem_AndThenTheKey', async () => {
    const headers = { 'vg-event-id': 'e-1', padding: 'y'.repeat(9_000) };
    const { producer, tried } = broker(5_000);
    expect(await sut(producer, 't.dlq', big(9_000, { headers }), info)).toEqual(['value', 'headers']);
    expect(tried[2]!.headers).toMatchObject({ 'vg-dlq-headers-omitted': String(11 + 3 + 7 + 9_000) });

    const hugeKey = big(9_000, { headers, key: Buffer.alloc(9_000, 'k') });
    const again = broker(5_000);
    expect(await sut(again.producer, 't.dlq', hugeKey, info)).toEqual(['value', 'headers', 'key']);
    expect(again.tried).toHaveLength(4);
  });

  it('whenKafkaFailsOtherwise_ThrowsThatFailure_AfterOneTry', async () => {
    const down = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const { producer, tried } = broker(10_000, () => down);
    await expect(sut(producer, 't.dlq', big(9_900), info)).rejects.toBe(down);
    expect(tried).toHaveLength(1);
  });

  it('whenAnotherRefusalFollowsTheTooLargeOne_ThrowsIt', async () => {
    const replicas = refusal('NOT_ENOUGH_REPLICAS', 19, true, 'Messages are rejected since there are fewer in-sync replicas than required');
    const answers = [tooLarge(), replicas];
    const producer = { send: () => Promise.reject(answers.shift()!) } as unknown as Producer;
    await expect(sut(producer, 't.dlq', big(9_900), info)).rejects.toBe(replicas);
    expect(answers).toEqual([]);
  });

  it('whenEvenWhatWeAddIsTooLarge_ThrowsTheRefusal', async () => {
    const { producer, tried } = broker(100);
    await expect(sut(producer, 't.dlq', big(9_900), info)).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    expect(tried).toHaveLength(4);
  });
});
