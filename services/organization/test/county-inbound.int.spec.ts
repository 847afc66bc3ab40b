import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { countyReplyTopic, type EventEnvelope } from '@vanguard/contracts';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { chinaDayOf } from '@vanguard/kernel';
import { ensureCountyTopics } from '@vanguard/county-inbound';
import { toKafkaMessage } from '@vanguard/messaging';
import { claimsOf, serviceTokenFor, tapFromNow, testProducer, waitUntil, type TestSchema } from '@vanguard/testing';
import { CountyInboundRunner } from '../src/infrastructure/county/county-inbound.runner';
import { createOrganizationTestApp } from './support/organization-test-app';
import { isolatedOrganizationSchema } from './support/isolated-schema';

const SONGLING = demoOrgId('910425');
const HEKOU = demoOrgId('910426');
const BAIHUA = demoOrgId('910425101');
const HONGSHI = demoOrgId('910425101201');
const COUNTIES = ['county-songling', 'county-hekou'];

interface Reply {
  messageId: string;
  outcome: 'applied' | 'refused' | 'duplicate';
  code?: string;
  reason?: string;
  originalOutcome?: string;
  result?: Record<string, string>;
}

// The roster sync end to end in one service: county messages with real Keycloak county tokens
// on an inbound topic of the suite's own, the gate in front of the roster handlers, replies on
// the counties' reply topics through the outbox relay, members and links in Postgres.
describe(`${CountyInboundRunner.name} (roster sync through Kafka)`, () => {
  const inbound = `test.county-inbound.${randomUUID()}`;
  const kafka = new Kafka({ clientId: 'org-county-inbound-int', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const replies = new Map<string, Reply>();
  let db: TestSchema;
  let sut: INestApplication;
  let producer: Producer;
  let tap: Consumer;
  const tokens: Record<string, { token: string; sub: string; orgId: string }> = {};

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_county_inbound');
    // The suite's own inbound topic (LogAppendTime) and the counties' reply topics, before the gate starts.
    await ensureCountyTopics(kafka, COUNTIES, { inboundTopic: inbound });
    tap = await tapFromNow(
      kafka,
      COUNTIES.map(countyReplyTopic),
      (message) => {
        const reply = (JSON.parse(message.value!.toString()) as EventEnvelope<Reply>).data;
        replies.set(reply.messageId, reply);
      },
      { groupPrefix: 'org-county-replies-tap' },
    );
    for (const c of COUNTIES) {
      const token = await serviceTokenFor(c);
      tokens[c] = { token, sub: String(claimsOf(token)['sub']), orgId: c === 'county-songling' ? SONGLING : HEKOU };
    }
    producer = testProducer(kafka);
    await producer.connect();
    sut = await createOrganizationTestApp({
      databaseUrl: db.url,
      schema: db.schema,
      relay: true,
      county: { enabled: true, knownCounties: COUNTIES, topic: inbound, groupId: `org-county-inbound-${randomUUID()}` },
    });
  }, 30_000);

  afterAll(async () => {
    await sut?.close();
    await producer?.disconnect();
    await tap?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [inbound, `${inbound}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
    await db?.drop();
  });

  /** Publishes a county message as a county system does and returns its id. */
  const send = async (
    county: string,
    data: Record<string, unknown>,
    sequence: number,
    messageId: string = randomUUID(),
  ): Promise<string> => {
    const t = tokens[county]!;
    const streamId = `roster-member-${String(data['memberId'])}`;
    const type = 'removedOn' in data ? 'county.RosterMemberRemoved' : 'county.RosterMemberSynced';
    const at = new Date().toISOString();
    const envelope: EventEnvelope = {
      eventId: messageId,
      type,
      version: 1,
      streamId,
      streamVersion: sequence,
      occurredAt: at,
      recordedAt: at,
      actor: { sub: t.sub, roles: ['county_system'], orgId: t.orgId, kind: 'service' },
      orgId: t.orgId,
      correlationId: randomUUID(),
      causationId: null,
      data,
    };
    const message = toKafkaMessage(envelope);
    await producer.send({
      topic: inbound,
      messages: [{ ...message, headers: { ...message.headers, authorization: `Bearer ${t.token}` } }],
    });
    return messageId;
  };
  const replyTo = async (messageId: string): Promise<Reply> => {
    await waitUntil(`the reply to ${messageId}`, () => replies.has(messageId), { timeoutMs: 20_000 });
    return replies.get(messageId)!;
  };
  const synced = (memberId: string, over: Record<string, unknown> = {}) => ({
    memberId,
    orgId: HONGSHI,
    name: '王五',
    status: 'probationary',
    joinedOn: '2019-07-01',
    roles: [],
    posts: [],
    ...over,
  });
  const count = async (sql: string, params: unknown[] = []) => (await db.pool.query<{ n: number }>(sql, params)).rows[0]!.n;

  it('syncs, resends, refuses another county’s subtree, moves and removes, answering every message on the county’s reply topic', async () => {
    const [a, b, foreign] = [randomUUID(), randomUUID(), randomUUID()];
    const ids = [
      await send('county-songling', synced(a), 1),
      await send('county-songling', synced(b, { roles: ['secretary'] }), 1),
      // Songling names Hekou's organisation: refused by the gate, never applied.
      await send('county-songling', synced(foreign, { orgId: HEKOU }), 1),
    ];
    const [ra, rb, rf] = await Promise.all(ids.map(replyTo));
    expect([ra!.outcome, rb!.outcome]).toEqual(['applied', 'applied']);
    expect(rf).toMatchObject({ outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE' });
    const memberA = ra!.result!['memberId']!;
    expect(
      await count(`select count(*)::int as n from county_member_links where county_member_id = any($1::uuid[])`, [[a, b, foreign]]),
    ).toBe(2);
    expect(await count(`select count(*)::int as n from members where org_id = $1`, [HEKOU])).toBe(0);

    // A resend of the same message changes nothing and is answered duplicate with the original outcome.
    const outboxBefore = await count(`select count(*)::int as n from vanguard_outbox where stream_id = $1`, [`member-${memberA}`]);
    await send('county-songling', synced(a), 1, ids[0]);
    await waitUntil('the duplicate reply', () => replies.get(ids[0]!)?.outcome === 'duplicate', { timeoutMs: 20_000 });
    expect(replies.get(ids[0]!)).toMatchObject({ outcome: 'duplicate', originalOutcome: 'applied' });
    expect(await count(`select count(*)::int as n from vanguard_outbox where stream_id = $1`, [`member-${memberA}`])).toBe(outboxBefore);
    expect(await count(`select count(*)::int as n from members where org_id = $1 and name = '王五'`, [HONGSHI])).toBe(2);

    // Hekou cannot touch Songling's member through Songling's county id: the links are per county.
    const hekou = await replyTo(await send('county-hekou', { memberId: a, orgId: HEKOU, removedOn: '2026-01-02' }, 5));
    expect(hekou).toMatchObject({ outcome: 'refused', code: 'MEMBER.NOT_FOUND' });

    // The next state moves the member (a transfer completed by the roster) and confirms them (转正).
    const moved = await replyTo(await send('county-songling', synced(a, { orgId: BAIHUA, status: 'full' }), 2));
    expect(moved).toEqual(expect.objectContaining({ outcome: 'applied', result: { memberId: memberA } }));
    const row = await db.pool.query(`select org_id, status, membership from members where id = $1`, [memberA]);
    expect(row.rows[0]).toEqual({ org_id: BAIHUA, status: 'full', membership: 'active' });

    // An older state arriving late is stale.
    expect(await replyTo(await send('county-songling', synced(a), 1))).toMatchObject({ outcome: 'refused', code: 'COUNTY.STALE' });
    // A removal dated before the move the county's own sync made today is refused naming that day,
    // and nothing of it applied (ADR 0140); dated on that day, it makes the member leave.
    const today = chinaDayOf(new Date());
    const versionBefore = await count(`select version as n from members where id = $1`, [memberA]);
    const early = await replyTo(await send('county-songling', { memberId: a, orgId: BAIHUA, removedOn: '2026-01-05', reason: '出党' }, 3));
    expect(early).toMatchObject({ outcome: 'refused', code: 'MEMBER.LEFT_ON_OUT_OF_RANGE' });
    expect(early.reason).toContain(`history runs to ${today} (transferred in)`);
    expect((await db.pool.query(`select membership, version from members where id = $1`, [memberA])).rows[0]).toEqual({
      membership: 'active',
      version: versionBefore,
    });
    expect(await count(`select count(*)::int as n from member_history where member_id = $1 and kind = 'left'`, [memberA])).toBe(0);
    const left = await replyTo(await send('county-songling', { memberId: a, orgId: BAIHUA, removedOn: today, reason: '出党' }, 4));
    expect(left.outcome).toBe('applied');
    const after = await db.pool.query(`select membership from members where id = $1`, [memberA]);
    expect(after.rows[0].membership).toBe('left');
    const types = await db.pool.query<{ event_type: string }>(
      `select event_type from vanguard_outbox where stream_id = $1 order by (envelope->>'streamVersion')::int`,
      [`member-${memberA}`],
    );
    expect(types.rows.map((r) => r.event_type)).toEqual([
      'organization.MemberJoined',
      'organization.CountyMemberLinked',
      'organization.MemberTransferred',
      'organization.MemberBecameFull',
      'organization.MemberLeft',
    ]);
  }, 40_000);
});
