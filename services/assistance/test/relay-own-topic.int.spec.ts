import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { PairingFormed, deadLetterTopic, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { createLedTopics, readTopicToEnd, startAtTheEnd, tapFromNow, waitUntil, type TestSchema } from '@vanguard/testing';
import type { CommandContext } from '../src/application/ports/context.port';
import { FormPairingHandler } from '../src/application/use-cases/pairings.use-cases';
import { assistanceInOwnSchema, dayFromToday, freshVillage } from './support/assistance-test-app';

// The bench runs the relay with `relayTopic` so that its payments never reach the platform's
// topic, where a running reporting service would count them (bench/shared/relay-topic.ts).
describe('the relay with a topic of its own', () => {
  const kafka = new Kafka({ clientId: 'assistance-own-topic-int', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  // A context's shape, so the relay treats it as its events topic (ADR 0142).
  const ownTopic = `vanguard.t${randomUUID().slice(0, 8)}.events.v1`;
  const platformGroup = `assistance-own-topic-platform-${randomUUID()}`;
  const ctx: CommandContext = {
    actor: { sub: randomUUID(), username: 'int', roles: ['admin'], orgId: '00000000-0000-4000-8000-000000000091', kind: 'user' },
    correlationId: randomUUID(),
  };
  let schema: TestSchema;
  let app: INestApplication;

  beforeAll(async () => {
    // Made as a release before ADR 0142 (or the broker) left it: the broker's week.
    const admin = kafka.admin();
    await admin.connect();
    await createLedTopics(admin, [{ topic: ownTopic, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '604800000' }] }]);
    await admin.disconnect();
    await ensureTopics(kafka, [ownTopic, PairingFormed.topic]);
    await startAtTheEnd(kafka, platformGroup, [PairingFormed.topic]);
    ({ schema, app } = await assistanceInOwnSchema('assistance_own_topic', { relay: true, relayTopic: ownTopic }));
  });
  afterAll(async () => {
    await app?.close();
    await schema?.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [ownTopic, deadLetterTopic(ownTopic)] }).finally(() => admin.disconnect());
  });

  it('keeps its events topic for ever, raising the week it found', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: ownTopic }] });
      expect(d.resources[0]!.configEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('-1');
    } finally {
      await admin.disconnect();
    }
  });

  it('publishes every event there and none on the platform’s topic', async () => {
    const ours = (m: { value: Buffer | null }) => (JSON.parse(String(m.value)) as EventEnvelope).correlationId === ctx.correlationId;
    const seen: EventEnvelope[] = [];
    const tap = await tapFromNow(kafka, [ownTopic], (m) => ours(m) && seen.push(JSON.parse(String(m.value)) as EventEnvelope));
    try {
      const village = await freshVillage(schema.pool, '910425101');
      await app.get(FormPairingHandler).execute(ctx, village, {
        helperUnitName: '旗水务局',
        from: dayFromToday(-5),
        to: dayFromToday(300),
        goals: ['安全饮水'],
        lagging: false,
      });
      await waitUntil('the pairing on the relay’s own topic', () => seen.length > 0);
      await waitUntil('the outbox published', async () => {
        const { rows } = await schema.pool.query<{ n: string }>('select count(*) as n from vanguard_outbox where published_at is null');
        return rows[0]!.n === '0';
      });
    } finally {
      await tap.disconnect();
    }
    expect(seen.map((e) => e.type)).toEqual([PairingFormed.type]);
    // Everything on the platform's topic since before the app started, up to its end now.
    const platform = await readTopicToEnd(kafka, PairingFormed.topic, { groupId: platformGroup });
    expect(platform.filter((r) => r.value && ours({ value: Buffer.from(r.value) }))).toEqual([]);
  });
});
