import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { ENVELOPE_HEADERS } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { headerValue } from '@vanguard/messaging';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { openCampaign } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const TOPIC = 'vanguard.evaluation.events.v1';

/** The service as it runs: its relay feature puts what its commands record on the evaluation topic. */
describe('evaluation relay (e2e)', () => {
  let app: INestApplication;
  const kafka = new Kafka({
    clientId: `eval-relay-e2e-${randomUUID().slice(0, 8)}`,
    brokers: [...infraConfig().kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('PublishesACampaignsEventsOnTheEvaluationTopic_InStreamOrder', async () => {
    // Read from where the topic ends now, so the run reads only what comes after.
    const admin = kafka.admin();
    await admin.connect();
    const ends = await waitUntil('the relay to have created the topic', async () =>
      (await admin.listTopics()).includes(TOPIC) ? admin.fetchTopicOffsets(TOPIC) : undefined,
    );
    await admin.disconnect();
    const messages: KafkaMessage[] = [];
    const consumer = kafka.consumer({ groupId: `eval-relay-e2e-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void messages.push(message)) });
    for (const e of ends) consumer.seek({ topic: TOPIC, partition: e.partition, offset: e.offset });
    try {
      const { campaignId } = await openCampaign(app, await tokenFor('county.organizer'));
      const mine = () => messages.filter((m) => String(m.key) === `campaign-${campaignId}`);
      await waitUntil('the campaign’s events on the topic', () => mine().length >= 3, { timeoutMs: 60_000 });
      expect(
        mine().map((m) => [headerValue(m.headers, ENVELOPE_HEADERS.type), headerValue(m.headers, ENVELOPE_HEADERS.streamVersion)]),
      ).toEqual([
        ['evaluation.CampaignLaunched', '1'],
        ['evaluation.CyclePlanned', '2'],
        ['evaluation.CycleOpened', '3'],
      ]);
    } finally {
      await consumer.disconnect();
    }
  }, 120_000);
});
