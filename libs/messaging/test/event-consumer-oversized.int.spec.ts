import { createHash, randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { PoolClient } from 'pg';
import { ContractRegistry, deadLetterTopic, ENVELOPE_HEADERS } from '@vanguard/contracts';
import {
  createTestSchema,
  readTopicToEnd,
  testProducer,
  testTopicPrefix,
  topicMaxMessageBytes,
  waitUntil,
  type TestSchema,
} from '@vanguard/testing';
import { DEAD_LETTER_HEADERS, ensureTopics, EventConsumer, migrateInbox, PermanentHandlerError, PgInbox, toKafkaMessage } from '../src';
import { deleteTopics, kafkaClient, thingContract, thingEvent } from './support';

// The integration project's testTimeout sits in a project entry, where Jest ignores it.
jest.setTimeout(60_000);

// Records just under their topic's max.message.bytes fit there, but their dead letters (the same
// record and the vg-dlq-* headers) do not: rejected before handling (malformed JSON) and failed by
// their handler, each must still be dead-lettered, and the partition must go on past them.
describe(`${EventConsumer.name} and records too large to dead-letter whole`, () => {
  let db: TestSchema;
  let producer: Producer;
  let sut: EventConsumer<PoolClient> | undefined;
  const kafka = kafkaClient();
  const topic = `${testTopicPrefix('consumer-oversized')}.t`;

  beforeAll(async () => {
    db = await createTestSchema('consumer_oversized');
    await migrateInbox(db.pool);
    await db.pool.query('create table effects (event_id uuid primary key)');
    // One partition: the small event waits behind the big ones.
    await ensureTopics(kafka, [topic], { numPartitions: 1 });
    producer = testProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await sut?.stop();
    await producer?.disconnect();
    await deleteTopics(kafka, [topic]);
    await db?.drop();
  });

  const maxMessageBytes = (name: string) => topicMaxMessageBytes(kafka, name);

  it('WhenARecordJustUnderTheTopicsLimitIsDeadLettered_ItsValueIsOmittedWithItsLengthAndSha256_AndTheNextRecordIsHandled', async () => {
    const limit = await maxMessageBytes(topic);
    expect(await maxMessageBytes(deadLetterTopic(topic))).toBe(limit);
    // 188 bytes under the limit with its key and headers: room for the record batch's framing, not for vg-dlq-*.
    const room = limit - 188;
    const garbage = Buffer.alloc(room, '{');
    const shell = toKafkaMessage(thingEvent('big', 1, { n: 1, note: '' }));
    const framing = Buffer.byteLength(String(shell.key)) + Buffer.byteLength(String(shell.value));
    const headerBytes = Object.entries(shell.headers!).reduce((n, [name, v]) => n + name.length + Buffer.byteLength(String(v)), 0);
    const failing = thingEvent('big', 1, { n: 1, note: 'x'.repeat(room - framing - headerBytes) });
    const failingMessage = toKafkaMessage(failing);
    const next = thingEvent('next', 1);
    const [sentGarbage] = await producer.send({ topic, acks: -1, messages: [{ key: null, value: garbage }] });
    const [sentFailing] = await producer.send({ topic, acks: -1, messages: [failingMessage] });
    await producer.send({ topic, acks: -1, messages: [toKafkaMessage(next)] });

    sut = new EventConsumer<PoolClient>({
      kafka,
      groupId: `g-${randomUUID()}`,
      topics: [topic],
      contracts: new ContractRegistry([thingContract(topic)]),
      inbox: new PgInbox(db.pool),
      handlers: {
        'msgtest.ThingHappened': async (e, { tx }) => {
          if (e.eventId === failing.eventId) throw new PermanentHandlerError('the handler refuses this one');
          await tx.query('insert into effects (event_id) values ($1)', [e.eventId]);
        },
      },
      retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
      maxWaitTimeInMs: 100,
    });
    await sut.start();

    await waitUntil(
      'the event after the big ones handled',
      async () => (await db.pool.query('select 1 from effects where event_id = $1', [next.eventId])).rowCount === 1,
      { timeoutMs: 30_000 },
    );
    const letters = await readTopicToEnd(kafka, deadLetterTopic(topic));
    expect(letters.map((l) => ({ key: l.key, value: l.value, offset: l.headers[DEAD_LETTER_HEADERS.originalOffset] }))).toEqual([
      { key: null, value: null, offset: sentGarbage!.baseOffset },
      { key: failing.streamId, value: null, offset: sentFailing!.baseOffset },
    ]);
    const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    expect(letters[0]!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.reason]: 'malformed-json',
      'vg-dlq-value-omitted': String(room),
      'vg-dlq-value-sha256': sha256(garbage),
    });
    expect(letters[1]!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.reason]: 'handler-failed',
      [ENVELOPE_HEADERS.eventId]: failing.eventId,
      'vg-dlq-value-omitted': String(Buffer.byteLength(String(failingMessage.value))),
      'vg-dlq-value-sha256': sha256(String(failingMessage.value)),
    });
  });
});
