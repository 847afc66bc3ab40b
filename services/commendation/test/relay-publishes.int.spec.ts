import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import type { QueryRunner } from 'typeorm';
import { EventVerifier } from '@vanguard/auth';
import { ContractRegistry, ENVELOPE_HEADERS, commendationContracts, type EventEnvelope } from '@vanguard/contracts';
import { programmeDecider, programmeStreamId } from '@vanguard/commendation-domain';
import { migrate, PostgresEventStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { headerValue } from '@vanguard/messaging';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { commendationMigrations } from '../src/infrastructure/migrations';
import { CommendationRelayRunner } from '../src/infrastructure/relay/commendation-relay.runner';
import { julyFirstTimeline } from './support/commendation-test-app';

const kafka = new Kafka({
  clientId: `commendation-relay-test-${randomUUID().slice(0, 8)}`,
  brokers: [...infraConfig().kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const contractsOn = (topic: string) => new ContractRegistry(commendationContracts.map((c) => ({ ...c, topic })));
const county = '00000000-0000-4000-8000-000000910425';
const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: county, kind: 'user' as const },
  orgId: county,
  correlationId: 'relay-test',
};

describe(CommendationRelayRunner.name, () => {
  let db: TestSchema;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestSchema('commendation_relay');
    await migrate(db.pool, { schema: db.schema });
    const runner = { query: (sql: string, params?: unknown[]) => db.pool.query(sql, params) } as unknown as QueryRunner;
    for (const M of commendationMigrations) await new M().up(runner);
    store = new PostgresEventStore(db.pool, { schema: db.schema });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('WhenAProgrammeIsLaunched_PutsItOnTheTopicKeyedByStream_AndKeepsAnEventWithoutAContract', async () => {
    const topic = `${testTopicPrefix('commendation-relay')}.events.v1`;
    const sut = new CommendationRelayRunner(store, db.pool, {
      brokers: infraConfig().kafkaBrokers,
      contracts: contractsOn(topic),
      name: 'relay-test',
      idleDelayMs: 50,
    });
    await sut.start();
    const messages: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: `collector-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({ eachMessage: ({ message }) => Promise.resolve(void messages.push(message)) });
    try {
      const programmeId = randomUUID();
      const stream = programmeStreamId(programmeId);
      const launched = programmeDecider.decide(
        {
          type: 'LaunchAwardProgramme',
          data: {
            programmeId,
            name: '2011年七一集中表彰',
            orgId: county,
            level: 'county',
            categories: ['outstanding_member'],
            years: [2010],
            timeline: julyFirstTimeline({ days: 7, dayKind: 'working' }),
            awardingOrgLevel: 'county',
            decidedBy: { sub: 'county.organizer', role: 'organizer', orgId: county },
          },
        },
        programmeDecider.initialState(),
      );
      await store.append(stream, launched, { expectedVersion: 'no_stream', context });
      await store.append(stream, [{ type: 'commendation.NoSuchEvent', data: { programmeId } }], { expectedVersion: 1, context });

      await waitUntil('the launch on the topic', () => messages.length >= 1, { timeoutMs: 60_000 });
      const m = messages[0]!;
      expect(String(m.key)).toBe(stream);
      expect(headerValue(m.headers, ENVELOPE_HEADERS.type)).toBe('commendation.AwardProgrammeLaunched');
      const envelope = JSON.parse(String(m.value)) as EventEnvelope<{ name: string }>;
      expect(envelope.data.name).toBe('2011年七一集中表彰');
      // Signed with commendation's key on the way out (ADR 0059), so consumers act on it.
      expect(EventVerifier.forContexts(['commendation'], {}).verify(envelope)).toEqual({ ok: true, kid: 'commendation-dev-1' });
      const refused = await waitUntil('the refusal kept', async () => {
        const { rows } = await db.pool.query<{ event_type: string }>(
          `select event_type from vanguard_relay_dead_letters where stream_id = $1`,
          [stream],
        );
        return rows.length ? rows : undefined;
      });
      expect(refused).toEqual([{ event_type: 'commendation.NoSuchEvent' }]);
      expect(messages).toHaveLength(1);
    } finally {
      await sut.stop();
      await reader.disconnect();
    }
  });
});
