import { createHash, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { PoolClient } from 'pg';
import { TokenVerifier } from '@vanguard/auth';
import { deadLetterTopic, publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { DEAD_LETTER_HEADERS, migrateOutbox } from '@vanguard/messaging';
import {
  claimsOf,
  createTestSchema,
  readTopicToEnd,
  serviceTokenFor,
  testProducer,
  testTopicPrefix,
  topicMaxMessageBytes,
  waitUntil,
  type TestSchema,
} from '@vanguard/testing';
import { CountyInboundConsumer, PgCountyInboundStore, applied, ensureCountyTopics, migrateCountyInbound } from './index';

// A record just under its topic's max.message.bytes is no larger than the broker takes, but its
// dead letter, the same record and the vg-dlq-* headers, is: the gate must still move past it.
// Real Kafka, Postgres and Keycloak, on an inbound topic and DLQ of this suite's own (no reply
// topics: replies stay in the outbox, which no relay reads here).

const SONGLING_ORG = '00000000-0000-4000-8000-000000910425';
const cfg = infraConfig();

describe('CountyInboundConsumer and a record too large to dead-letter whole (real Kafka, Postgres, Keycloak)', () => {
  let db: TestSchema;
  let kafka: Kafka;
  let producer: Producer;
  let sut: CountyInboundConsumer<PoolClient>;
  let topic: string;
  let token: string;
  const logged: { obj: Record<string, unknown>; msg: string | undefined }[] = [];

  beforeAll(async () => {
    db = await createTestSchema('county_oversized');
    await migrateOutbox(db.pool);
    await migrateCountyInbound(db.pool);
    await db.pool.query(`create table toy_effects (message_id text primary key)`);
    kafka = new Kafka({ clientId: 'county-oversized-test', brokers: [...cfg.kafkaBrokers], logLevel: logLevel.NOTHING });
    topic = `${testTopicPrefix('county-oversized')}.inbound`;
    token = await serviceTokenFor('county-songling');
    // One partition: the small record waits behind the big one.
    await ensureCountyTopics(kafka, [], { inboundTopic: topic, numPartitions: 1 });
    sut = new CountyInboundConsumer<PoolClient>({
      kafka,
      groupId: `county-oversized-${randomUUID()}`,
      owner: 'organization',
      tokenVerifier: new TokenVerifier({ issuer: cfg.keycloakIssuer, audience: cfg.keycloakAudience, allowedClients: ['county-songling'] }),
      knownCounties: ['county-songling'],
      contracts: publicContracts,
      scope: (county, org) => county === org,
      handlers: {
        'county.RosterMemberSynced': async (messages, tx) => {
          await tx.query(`insert into toy_effects (message_id) select unnest($1::text[])`, [messages.map((m) => m.messageId)]);
          return messages.map(() => applied());
        },
      },
      store: new PgCountyInboundStore(db.pool),
      topic,
      ensureTopics: false,
      maxWaitTimeInMs: 100,
      retry: { initialDelayMs: 20, maxDelayMs: 50 },
      retention: false,
      logger: { info() {}, warn() {}, error: (obj, msg) => logged.push({ obj: obj as Record<string, unknown>, msg }) },
    });
    await sut.start();
    producer = testProducer(kafka, { allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await sut?.stop();
    await producer?.disconnect();
    const admin = kafka?.admin();
    if (admin) {
      await admin.connect();
      await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
      await admin.disconnect();
    }
    await db?.drop();
  });

  const roster = (name: string) => {
    const memberId = randomUUID();
    const now = new Date().toISOString();
    return {
      eventId: randomUUID(),
      type: 'county.RosterMemberSynced',
      version: 1,
      streamId: `roster-member-${memberId}`,
      streamVersion: 1,
      occurredAt: now,
      recordedAt: now,
      actor: { sub: String(claimsOf(token)['sub']), roles: ['county_system'], orgId: SONGLING_ORG, kind: 'service' },
      orgId: SONGLING_ORG,
      correlationId: randomUUID(),
      causationId: null,
      data: { memberId, orgId: SONGLING_ORG, name, status: 'full', joinedOn: '2001-07-01', roles: [], posts: [] },
    } satisfies EventEnvelope;
  };

  const maxMessageBytes = (name: string) => topicMaxMessageBytes(kafka, name);

  it('dead-letters an unauthenticated record just under the topic’s limit without its value, naming its length and SHA-256, and goes on to apply the next record', async () => {
    const limit = await maxMessageBytes(topic);
    expect(await maxMessageBytes(deadLetterTopic(topic))).toBe(limit);
    // 188 bytes under the limit: room for the record batch's framing and the key, not for vg-dlq-*.
    const size = limit - 188;
    const shell = roster('');
    const padding = 'x'.repeat(size - Buffer.byteLength(JSON.stringify(shell)));
    const big = Buffer.from(JSON.stringify({ ...shell, data: { ...shell.data, name: padding } }));
    expect(big.length).toBe(size);
    const next = roster('张三');
    const [sentBig] = await producer.send({ topic, acks: -1, messages: [{ key: shell.streamId, value: big }] });
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: next.streamId, value: JSON.stringify(next), headers: { authorization: `Bearer ${token}` } }],
    });

    const effect = await waitUntil(
      'the record after the big one applied',
      async () =>
        (await db.pool.query<{ message_id: string }>(`select message_id from toy_effects where message_id = $1`, [next.eventId])).rows[0],
      { timeoutMs: 30_000 },
    );
    expect(effect).toEqual({ message_id: next.eventId });

    const letters = await readTopicToEnd(kafka, deadLetterTopic(topic));
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect({ key: letter.key, value: letter.value }).toEqual({ key: shell.streamId, value: null });
    expect(letter.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.reason]: 'unauthenticated',
      [DEAD_LETTER_HEADERS.originalTopic]: topic,
      [DEAD_LETTER_HEADERS.originalPartition]: '0',
      [DEAD_LETTER_HEADERS.originalOffset]: sentBig!.baseOffset,
      'vg-dlq-value-omitted': String(size),
      'vg-dlq-value-sha256': createHash('sha256').update(big).digest('hex'),
    });
    expect(letter.headers).not.toHaveProperty('vg-dlq-headers-omitted');
    expect(logged.find((l) => l.msg === 'message dead-lettered')?.obj).toMatchObject({ reason: 'unauthenticated', omitted: ['value'] });
  });
});
