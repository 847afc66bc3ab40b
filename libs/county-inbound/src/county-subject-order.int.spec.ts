import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { PoolClient } from 'pg';
import { TokenVerifier } from '@vanguard/auth';
import { deadLetterTopic, publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { migrateOutbox } from '@vanguard/messaging';
import {
  claimsOf,
  createTestSchema,
  seededRandom,
  serviceTokenFor,
  testProducer,
  testTopicPrefix,
  waitUntil,
  type TestSchema,
} from '@vanguard/testing';
import { CountyInboundConsumer, PgCountyInboundStore, applied, migrateCountyInbound, type CountyBatchHandler } from './index';

// One subject's order when its messages reach the gate on several partitions (a county producer
// that picks partitions itself, or a key that moved when the partition count grew during a lag):
// chunks of different partitions run concurrently, and each must be judged against what the
// others committed. Real Kafka, Postgres and Keycloak tokens; a toy owner whose handler is a
// roster restatement (the member's row becomes what the message says: last write wins), so only
// the gate keeps an older state out.

const SONGLING_ORG = '00000000-0000-4000-8000-000000910425';
const HEKOU_ORG = '00000000-0000-4000-8000-000000910426';
const BRANCHES = new Map([
  [SONGLING_ORG, randomUUID()],
  [HEKOU_ORG, randomUUID()],
]);
const PARTITIONS = 3;
const cfg = infraConfig();

interface County {
  clientId: string;
  org: string;
  token: string;
  sub: string;
}

describe('CountyInboundConsumer subject order across partitions (real Kafka, Postgres, Keycloak)', () => {
  let db: TestSchema;
  let kafka: Kafka;
  let producer: Producer;
  let sut: CountyInboundConsumer<PoolClient>;
  let topic: string;
  let counties: County[];
  const seed = Number(process.env['COUNTY_ORDER_SEED'] ?? Date.now() % 100_000);
  const random = seededRandom(seed);
  /** What the gate and its consumer warned of (a chunk retried, an outage waited out, among others). */
  const warned: string[] = [];

  // Applies each message over the member's row and notes which state it replaced (an older
  // sequence applied over a newer one shows as previous > sequence). Each batch takes a while (a real handler's
  // work), for a random time, so chunks of different partitions overlap in every order.
  const restate: CountyBatchHandler<PoolClient> = async (messages, tx) => {
    await tx.query('select pg_sleep($1)', [random() * 0.06]);
    for (const m of messages) {
      // ON CONFLICT updates the latest committed row (waiting for its writer): `previous` is what this replaced.
      await tx.query(
        `with restated as (
           insert into member_state (subject, sequence, message_id, previous) values ($1, $3, $2, null)
           on conflict (subject) do update set sequence = excluded.sequence, message_id = excluded.message_id, previous = member_state.sequence
           returning previous)
         insert into restatements (message_id, subject, sequence, previous) select $2, $1, $3, previous from restated`,
        [m.subject, m.messageId, m.sequence],
      );
    }
    return messages.map(() => applied());
  };

  beforeAll(async () => {
    console.info(`county subject order seed ${seed} (COUNTY_ORDER_SEED replays it)`);
    db = await createTestSchema('county_order');
    await migrateOutbox(db.pool);
    await migrateCountyInbound(db.pool);
    await db.pool.query(
      `create table member_state (subject text primary key, sequence bigint not null, message_id text not null, previous bigint)`,
    );
    await db.pool.query(
      `create table restatements (n bigserial primary key, message_id text not null, subject text not null, sequence bigint not null, previous bigint)`,
    );
    kafka = new Kafka({ clientId: 'county-order-test', brokers: [...cfg.kafkaBrokers], logLevel: logLevel.NOTHING });
    topic = `${testTopicPrefix('county-order')}.inbound`;
    const tokens = await Promise.all([serviceTokenFor('county-songling'), serviceTokenFor('county-hekou')]);
    counties = [
      { clientId: 'county-songling', org: SONGLING_ORG, token: tokens[0], sub: String(claimsOf(tokens[0])['sub']) },
      { clientId: 'county-hekou', org: HEKOU_ORG, token: tokens[1], sub: String(claimsOf(tokens[1])['sub']) },
    ];
    sut = new CountyInboundConsumer<PoolClient>({
      kafka,
      groupId: `county-order-${randomUUID()}`,
      owner: 'organization',
      tokenVerifier: new TokenVerifier({
        issuer: cfg.keycloakIssuer,
        audience: cfg.keycloakAudience,
        allowedClients: ['county-songling', 'county-hekou'],
      }),
      knownCounties: ['county-songling', 'county-hekou'],
      contracts: publicContracts,
      scope: (county, org) => org === county || BRANCHES.get(county) === org,
      handlers: { 'county.RosterMemberSynced': restate },
      store: new PgCountyInboundStore(db.pool),
      topic,
      // Small chunks: several per partition in each round, so more of them overlap.
      batchSize: 4,
      partitionsConsumedConcurrently: PARTITIONS,
      maxWaitTimeInMs: 100,
      retry: { initialDelayMs: 20, maxDelayMs: 50 },
      retention: false,
      logger: { info() {}, warn: (_, msg) => warned.push(msg ?? ''), error: (_, msg) => warned.push(msg ?? '') },
    });
    await sut.start(); // creates the topic (3 partitions, LogAppendTime)
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

  const roster = (county: County, memberId: string, seq: number) => {
    const now = new Date().toISOString();
    return {
      eventId: randomUUID(),
      type: 'county.RosterMemberSynced',
      version: 1,
      streamId: `roster-member-${memberId}`,
      streamVersion: seq,
      occurredAt: now,
      recordedAt: now,
      actor: { sub: county.sub, roles: ['county_system'], orgId: county.org, kind: 'service' },
      orgId: county.org,
      correlationId: randomUUID(),
      causationId: null,
      data: {
        memberId,
        orgId: BRANCHES.get(county.org)!,
        name: `seq ${seq}`,
        status: 'full',
        joinedOn: '2001-07-01',
        roles: [],
        posts: [],
      },
    } satisfies EventEnvelope;
  };

  it('randomised: one subject’s sequences on several partitions in random orders → never an older state over a newer one; each older one arriving after a newer one is STALE; the ledger agrees with the owner', async () => {
    const rounds = 4;
    const sent: ReturnType<typeof roster>[] = [];
    const subjects: { county: County; streamId: string; top: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      const batch: { m: ReturnType<typeof roster>; county: County; partition: number }[] = [];
      for (let s = 0; s < 6; s++) {
        const county = counties[s % counties.length]!;
        const memberId = randomUUID();
        const top = 2 + Math.floor(random() * 4);
        subjects.push({ county, streamId: `roster-member-${memberId}`, top });
        for (let seq = 1; seq <= top; seq++)
          batch.push({ m: roster(county, memberId, seq), county, partition: Math.floor(random() * PARTITIONS) });
      }
      // Fisher–Yates: each partition gets its messages in a random order.
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
      sent.push(...batch.map((b) => b.m));
      await producer.send({
        topic,
        acks: -1,
        messages: batch.map((b) => ({
          key: b.m.streamId,
          value: JSON.stringify(b.m),
          headers: { authorization: `Bearer ${b.county.token}` },
          partition: b.partition,
        })),
      });
      const ids = batch.map((b) => b.m.eventId);
      await waitUntil(
        `the ${ids.length} messages of round ${round} decided`,
        async () => {
          const { rows } = await db.pool.query(`select count(*)::int as n from county_messages where message_id = any($1)`, [ids]);
          return rows[0].n === ids.length;
        },
        { timeoutMs: 30_000 },
      );
    }

    const ids = sent.map((m) => m.eventId);
    const { rows: decisions } = await db.pool.query<{
      message_id: string;
      subject: string;
      sequence: string;
      outcome: string;
      code: string;
    }>(`select message_id, subject, sequence, outcome, code from county_messages where message_id = any($1)`, [ids]);
    const { rows: notes } = await db.pool.query<{ message_id: string; sequence: string; previous: string | null }>(
      `select message_id, sequence, previous from restatements where message_id = any($1)`,
      [ids],
    );
    const { rows: replies } = await db.pool.query<{ data: { messageId: string; outcome: string; code?: string } }>(
      `select envelope->'data' as data from vanguard_outbox where envelope->'data'->>'messageId' = any($1)`,
      [ids],
    );
    // Every message answered once, as the ledger recorded it: applied, or STALE and nothing else.
    expect(replies).toHaveLength(ids.length);
    const answer = new Map(replies.map((r) => [r.data.messageId, r.data]));
    for (const d of decisions) {
      expect([d.outcome, d.code]).toEqual(d.outcome === 'applied' ? ['applied', null] : ['refused', 'COUNTY.STALE']);
      expect(answer.get(d.message_id)).toMatchObject(
        d.outcome === 'applied' ? { outcome: 'applied' } : { outcome: 'refused', code: 'COUNTY.STALE' },
      );
    }
    // What the owner did is what the ledger says: each applied message ran once, nothing refused ran.
    expect(notes.map((n) => n.message_id).sort()).toEqual(
      decisions
        .filter((d) => d.outcome === 'applied')
        .map((d) => d.message_id)
        .sort(),
    );
    // No older sequence ever replaced a newer state: each applied one replaced an older state or none.
    const regressions = notes.filter((n) => n.previous !== null && Number(n.previous) >= Number(n.sequence));
    expect(regressions).toEqual([]);

    for (const s of subjects) {
      const mine = decisions.filter((d) => d.subject === s.streamId);
      const appliedSeqs = mine.filter((d) => d.outcome === 'applied').map((d) => Number(d.sequence));
      // The highest sequence can be stale to nothing: it applied, and it is what the owner holds.
      expect(Math.max(...appliedSeqs)).toBe(s.top);
      // A STALE one was stale: a sequence at least as high had applied.
      for (const d of mine.filter((x) => x.outcome === 'refused')) expect(s.top).toBeGreaterThanOrEqual(Number(d.sequence));
      const state = await db.pool.query(`select sequence from member_state where subject = $1`, [s.streamId]);
      const ledger = await db.pool.query(`select last_sequence from county_subjects where county_client_id = $1 and subject = $2`, [
        s.county.clientId,
        s.streamId,
      ]);
      expect({ state: Number(state.rows[0]?.sequence), ledger: Number(ledger.rows[0]?.last_sequence) }).toEqual({
        state: s.top,
        ledger: s.top,
      });
    }
    // Proof the run exercised the race: some older sequences came after a newer one had applied.
    expect(decisions.some((d) => d.outcome === 'refused')).toBe(true);
    // And the lock kept the chunks apart: none lost a race and was retried (ADR 0098: retries
    // would count towards COUNTY.HANDLER_FAILED; without the lock, record's check or a deadlock retries some).
    expect(warned.filter((m) => /retrying|waiting/.test(m))).toEqual([]);
  });
});
