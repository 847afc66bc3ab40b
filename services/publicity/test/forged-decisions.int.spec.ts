import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { EventSigner, developmentEventKey, signWithDevelopmentKey } from '@vanguard/auth';
import { CommendationDecided, ENVELOPE_HEADERS, deadLetterTopic, type EventEnvelope } from '@vanguard/contracts';
import { DEAD_LETTER_HEADERS, ensureTopics, headerValue, toKafkaMessage } from '@vanguard/messaging';
import { testProducer, waitUntil, type TestSchema } from '@vanguard/testing';
import { HonourRollService } from '../src/application/honour-roll.service';
import { closeProducer, createPublicityTestApp, decided, kafka, startAtTheEnd } from './support/publicity-test-app';

// Anyone who can write to commendation's topic could otherwise put a name on the public honour
// roll with a well-formed CommendationDecided (ADR 0059): only commendation's signature counts.
describe('forged decisions on the commendation topic', () => {
  let app: INestApplication;
  let schema: TestSchema;
  let dlqTap: Consumer;
  const letters = new Map<string, { reason?: string; error?: string }>();
  const DLQ = deadLetterTopic(CommendationDecided.topic);

  beforeAll(async () => {
    await ensureTopics(kafka, [CommendationDecided.topic, DLQ]);
    const tapGroup = `publicity-forged-tap-${randomUUID()}`;
    await startAtTheEnd(tapGroup, [DLQ]);
    dlqTap = kafka.consumer({ groupId: tapGroup, maxWaitTimeInMs: 100 });
    await dlqTap.connect();
    await dlqTap.subscribe({ topic: DLQ, fromBeginning: true }); // pinned above: only a partition without an offset starts at 0
    await dlqTap.run({
      eachMessage: ({ message: m }) => {
        const id = headerValue(m.headers, ENVELOPE_HEADERS.eventId);
        const reason = headerValue(m.headers, DEAD_LETTER_HEADERS.reason);
        const error = headerValue(m.headers, DEAD_LETTER_HEADERS.error);
        if (id) letters.set(id, { ...(reason ? { reason } : {}), ...(error ? { error } : {}) });
        return Promise.resolve();
      },
    });
    ({ app, schema } = await createPublicityTestApp('publicity_forged'));
  });

  afterAll(async () => {
    await app?.close();
    await dlqTap?.disconnect();
    await closeProducer();
    await schema?.drop();
  });

  it('an unsigned decision and ones signed with another key are dead-lettered as forged; the roll shows only the signed one', async () => {
    const unsigned = decided('伪造甲');
    // Evaluation's key under evaluation's kid; another key under commendation's real kid.
    const otherContext = new EventSigner('evaluation', developmentEventKey('evaluation'), 'evaluation-dev-1').sign(decided('伪造乙'));
    const wrongKey = new EventSigner('commendation', developmentEventKey('publicity'), 'commendation-dev-1').sign(decided('伪造丙'));
    const honest = signWithDevelopmentKey(decided('钱学军'));
    // One key for all four, so they share a partition and the honest one is handled last.
    const key = honest.streamId;
    const producer = testProducer(kafka);
    await producer.connect();
    try {
      const send = (e: EventEnvelope) => ({ ...toKafkaMessage(e), key });
      await producer.send({ topic: CommendationDecided.topic, messages: [unsigned, otherContext, wrongKey, honest].map(send) });
    } finally {
      await producer.disconnect();
    }

    const roll = app.get(HonourRollService);
    const names = async () => (await roll.page(200, 0)).items.map((i) => i.name);
    await waitUntil('the signed decision on the roll', async () => (await names()).includes('钱学军'), { timeoutMs: 60_000 });
    expect((await names()).filter((n) => n.startsWith('伪造'))).toEqual([]);
    expect((await schema.pool.query(`select name from commendations where name like '伪造%'`)).rows).toEqual([]);
    expect((await schema.pool.query(`select 1 from exemplars where name like '伪造%'`)).rowCount).toBe(0);
    await waitUntil('the three forgeries dead-lettered', () => [unsigned, otherContext, wrongKey].every((e) => letters.has(e.eventId)), {
      timeoutMs: 60_000,
    });
    expect([unsigned, otherContext, wrongKey].map((e) => letters.get(e.eventId))).toEqual([
      { reason: 'forged', error: 'commendation.CommendationDecided not signed by its producer (unsigned)' },
      { reason: 'forged', error: 'commendation.CommendationDecided not signed by its producer (other-context)' },
      { reason: 'forged', error: 'commendation.CommendationDecided not signed by its producer (bad-signature)' },
    ]);
  });
});
