import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { PoolClient } from 'pg';
import { TokenVerifier } from '@vanguard/auth';
import { publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { DEAD_LETTER_HEADERS, headerValue, migrateOutbox } from '@vanguard/messaging';
import { claimsOf, createTestSchema, serviceTokenFor, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { CountyInboundConsumer, PgCountyInboundStore, applied, migrateCountyInbound, type CountyBatchHandler } from './index';

// The gate's upkeep on real Kafka, Postgres and Keycloak tokens: how long it remembers message
// ids (retention of county_messages), and dead letters written once when a chunk is retried.
// A toy owner applies Songling's roster messages.

const SONGLING_ORG = '00000000-0000-4000-8000-000000910425';
const BRANCH = randomUUID();
const cfg = infraConfig();

describe('CountyInboundConsumer upkeep (real Kafka, Postgres, Keycloak)', () => {
  let db: TestSchema;
  let kafka: Kafka;
  let producer: Producer;
  let gate: CountyInboundConsumer<PoolClient>;
  let topic: string;
  let token: string;
  let sub: string;
  /** Throws once when armed: the chunk rolls back and is retried. */
  let failNext = false;

  const toy: CountyBatchHandler<PoolClient> = async (messages, tx) => {
    if (failNext) {
      failNext = false;
      throw new Error('simulated failure of the first attempt');
    }
    await tx.query(`insert into toy_effects (message_id) select unnest($1::text[])`, [messages.map((m) => m.messageId)]);
    return messages.map(() => applied());
  };

  beforeAll(async () => {
    db = await createTestSchema('county_upkeep');
    await migrateOutbox(db.pool);
    await migrateCountyInbound(db.pool);
    await db.pool.query(`create table toy_effects (n bigserial primary key, message_id text)`);
    kafka = new Kafka({ clientId: 'county-upkeep-test', brokers: [...cfg.kafkaBrokers], logLevel: logLevel.NOTHING });
    topic = `${testTopicPrefix('county-upkeep')}.inbound`;
    token = await serviceTokenFor('county-songling');
    sub = String(claimsOf(token)['sub']);
    gate = new CountyInboundConsumer<PoolClient>({
      kafka,
      groupId: `county-upkeep-${randomUUID()}`,
      owner: 'organization',
      tokenVerifier: new TokenVerifier({
        issuer: cfg.keycloakIssuer,
        audience: cfg.keycloakAudience,
        allowedClients: ['county-songling'],
      }),
      knownCounties: ['county-songling'],
      contracts: publicContracts,
      scope: (county, org) => county === SONGLING_ORG && (org === SONGLING_ORG || org === BRANCH),
      handlers: { 'county.RosterMemberSynced': toy },
      store: new PgCountyInboundStore(db.pool),
      topic,
      maxWaitTimeInMs: 100,
      retry: { initialDelayMs: 20, maxDelayMs: 50 },
      retention: { batchSize: 2 },
    });
    await gate.start();
    producer = testProducer(kafka, { allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await gate?.stop();
    await producer?.disconnect();
    await db?.drop();
  });

  const roster = (o: { memberId?: string; seq?: number } = {}) => {
    const memberId = o.memberId ?? randomUUID();
    const now = new Date().toISOString();
    return {
      eventId: randomUUID(),
      type: 'county.RosterMemberSynced',
      version: 1,
      streamId: `roster-member-${memberId}`,
      streamVersion: o.seq ?? 1,
      occurredAt: now,
      recordedAt: now,
      actor: { sub, roles: ['county_system'], orgId: SONGLING_ORG, kind: 'service' },
      orgId: SONGLING_ORG,
      correlationId: randomUUID(),
      causationId: null,
      data: { memberId, orgId: BRANCH, name: '张三', status: 'full', joinedOn: '2001-07-01', roles: [], posts: [] },
    } satisfies EventEnvelope;
  };
  const send = (msgs: object[], o: { partition?: number; tokenless?: object } = {}) =>
    producer.send({
      topic,
      acks: -1,
      messages: msgs.map((m) => ({
        key: (m as { streamId: string }).streamId,
        value: JSON.stringify(m),
        ...(m === o.tokenless ? {} : { headers: { authorization: `Bearer ${token}` } }),
        ...(o.partition === undefined ? {} : { partition: o.partition }),
      })),
    });
  const replies = (messageId: string, n = 1) =>
    waitUntil(`${n} repl(ies) to ${messageId}`, async () => {
      const { rows } = await db.pool.query<{ envelope: EventEnvelope<Record<string, unknown>> }>(
        `select envelope from vanguard_outbox where envelope->'data'->>'messageId' = $1 order by id`,
        [messageId],
      );
      return rows.length >= n ? rows.map((r) => r.envelope.data) : undefined;
    });
  const effectsOf = async (messageId: string) =>
    (await db.pool.query(`select 1 from toy_effects where message_id = $1`, [messageId])).rowCount;

  it('forgets message ids older than the window in batches that skip locked rows; a resend inside the window is a duplicate, an applied one resent after it is refused STALE, never applied again', async () => {
    const old = Array.from({ length: 5 }, () => roster());
    const recent = [roster(), roster()];
    await send([...old, ...recent]);
    for (const m of [...old, ...recent]) await replies(m.eventId);
    const ids = (ms: { eventId: string }[]) => ms.map((m) => m.eventId);
    // Age the rows instead of waiting a month: 31 days is past the 30-day window, 29 is inside it.
    await db.pool.query(`update county_messages set recorded_at = now() - interval '31 days' where message_id = any($1)`, [ids(old)]);
    await db.pool.query(`update county_messages set recorded_at = now() - interval '29 days' where message_id = $1`, [recent[0]!.eventId]);

    // A row someone holds (a gate transaction) is skipped, not waited for; it goes on a later run.
    const holder = await db.pool.connect();
    try {
      await holder.query('begin');
      await holder.query(`select 1 from county_messages where message_id = $1 for update`, [old[4]!.eventId]);
      expect(await gate.pruneExpired()).toEqual({ deleted: 4, batches: 3 });
      await holder.query('commit');
    } finally {
      holder.release();
    }
    expect(await gate.pruneExpired()).toEqual({ deleted: 1, batches: 1 });
    const { rows } = await db.pool.query<{ message_id: string }>(`select message_id from county_messages where message_id = any($1)`, [
      ids([...old, ...recent]),
    ]);
    expect(rows.map((r) => r.message_id).sort()).toEqual(ids(recent).sort());

    await send([recent[0]!, recent[1]!, old[0]!]);
    expect((await replies(recent[0]!.eventId, 2))[1]).toMatchObject({ outcome: 'duplicate', originalOutcome: 'applied' });
    expect((await replies(recent[1]!.eventId, 2))[1]).toMatchObject({ outcome: 'duplicate', originalOutcome: 'applied' });
    expect((await replies(old[0]!.eventId, 2))[1]).toMatchObject({ outcome: 'refused', code: 'COUNTY.STALE' });
    for (const m of [...old, ...recent]) expect(await effectsOf(m.eventId)).toBe(1);
  });

  it('dead-letters each bad message of a chunk once, although the chunk rolled back and was retried', async () => {
    const good = roster();
    const valid = roster();
    const broken = { ...valid, data: { ...valid.data, status: 'retired' } };
    const tokenless = roster();
    // One partition, one send: one chunk, whose first attempt fails in the handler after both
    // bad messages were judged (the tokenless one before the transaction, the broken one in it).
    failNext = true;
    await send([tokenless, broken, good], { partition: 0, tokenless });
    expect((await replies(good.eventId))[0]).toMatchObject({ outcome: 'applied' });
    expect((await replies(broken.eventId))[0]).toMatchObject({ outcome: 'refused', code: 'COUNTY.INVALID' });
    expect(failNext).toBe(false);

    // The dead letters were written before the chunk committed: the topic's end is final here.
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(`${topic}.dlq`).finally(() => admin.disconnect());
    const total = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    const letters: { reason: string | undefined; value: string }[] = [];
    const reader = kafka.consumer({ groupId: `county-upkeep-dlq-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await reader.connect();
    try {
      await reader.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
      await reader.run({
        eachMessage: ({ message }) => {
          letters.push({ reason: headerValue(message.headers, DEAD_LETTER_HEADERS.reason), value: message.value?.toString('utf8') ?? '' });
          return Promise.resolve();
        },
      });
      await waitUntil(`the ${total} dead letters read`, () => letters.length >= total);
    } finally {
      await reader.disconnect();
    }
    const of = (id: string) => letters.filter((l) => l.value.includes(id)).map((l) => l.reason);
    expect(of(broken.eventId)).toEqual(['schema-violation']);
    expect(of(tokenless.eventId)).toEqual(['unauthenticated']);
    expect(total).toBe(2);
    expect(await effectsOf(good.eventId)).toBe(1);
  });
});
