import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { PoolClient } from 'pg';
import { TokenVerifier } from '@vanguard/auth';
import { publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { migrateOutbox } from '@vanguard/messaging';
import { claimsOf, createTestSchema, serviceTokenFor, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { CountyInboundConsumer, PgCountyInboundStore, applied, migrateCountyInbound, type CountyBatchHandler } from './index';

// A message id is judged by the service that owns the message's type, in that service's own
// ledger (services share no tables): one id a county reuses for a roster message and a deed is two
// messages, applied once each by its owner, each reply naming its service and type, and each
// resend answered `duplicate` by its own owner alone. Real Kafka, Postgres and Keycloak.

const SONGLING_ORG = '00000000-0000-4000-8000-000000910425';
const VILLAGE = randomUUID();
const cfg = infraConfig();

describe('county message ids across owners (real Kafka, Postgres, Keycloak)', () => {
  const owners = ['organization', 'assistance'] as const;
  const dbs = new Map<(typeof owners)[number], TestSchema>();
  const gates: CountyInboundConsumer<PoolClient>[] = [];
  const groups = new Map<(typeof owners)[number], string>();
  let producer: Producer;
  let token: string;
  let sub: string;
  const topic = `${testTopicPrefix('county-owners')}.inbound`;
  const kafka = new Kafka({ clientId: 'county-owners-test', brokers: [...cfg.kafkaBrokers], logLevel: logLevel.NOTHING });

  const toy: CountyBatchHandler<PoolClient> = async (messages, tx) => {
    await tx.query(`insert into toy_effects (message_id, type) select * from unnest($1::text[], $2::text[])`, [
      messages.map((m) => m.messageId),
      messages.map((m) => m.event.type),
    ]);
    return messages.map(() => applied({}));
  };

  beforeAll(async () => {
    token = await serviceTokenFor('county-songling');
    sub = String(claimsOf(token)['sub']);
    const verifier = new TokenVerifier({
      issuer: cfg.keycloakIssuer,
      audience: cfg.keycloakAudience,
      allowedClients: ['county-songling'],
      clockToleranceSec: 0,
    });
    for (const owner of owners) {
      const db = await createTestSchema(`county_owner_${owner}`);
      dbs.set(owner, db);
      await migrateOutbox(db.pool);
      await migrateCountyInbound(db.pool);
      await db.pool.query(`create table toy_effects (message_id text, type text)`);
      groups.set(owner, `county-owners-${owner}-${randomUUID()}`);
      const gate = new CountyInboundConsumer<PoolClient>({
        kafka,
        groupId: groups.get(owner)!,
        owner,
        tokenVerifier: verifier,
        knownCounties: ['county-songling'],
        contracts: publicContracts,
        scope: (county, org) => county === SONGLING_ORG && (org === SONGLING_ORG || org === VILLAGE),
        handlers: owner === 'organization' ? { 'county.RosterMemberSynced': toy } : { 'county.DeedRecorded': toy },
        store: new PgCountyInboundStore(db.pool),
        topic,
        batchSize: 50,
        maxWaitTimeInMs: 100,
        retry: { initialDelayMs: 20, maxDelayMs: 50 },
      });
      gates.push(gate);
      await gate.start(); // the first creates the topic
    }
    producer = testProducer(kafka, { allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    for (const g of gates) await g.stop();
    await producer?.disconnect();
    for (const db of dbs.values()) await db.drop();
  });

  const envelope = (messageId: string, type: string, streamId: string, data: Record<string, unknown>): EventEnvelope => {
    const now = new Date().toISOString();
    return {
      eventId: messageId,
      type,
      version: 1,
      streamId,
      streamVersion: 1,
      occurredAt: now,
      recordedAt: now,
      actor: { sub, roles: ['county_system'], orgId: SONGLING_ORG, kind: 'service' },
      orgId: SONGLING_ORG,
      correlationId: randomUUID(),
      causationId: null,
      data,
    };
  };
  const send = (es: EventEnvelope[]) =>
    producer.send({
      topic,
      acks: -1,
      messages: es.map((e) => ({ key: e.streamId, value: JSON.stringify(e), headers: { authorization: `Bearer ${token}` } })),
    });
  const repliesAt = async (owner: (typeof owners)[number], messageId: string) =>
    (
      await dbs
        .get(owner)!
        .pool.query<{ data: Record<string, unknown> }>(
          `select envelope->'data' as data from vanguard_outbox where envelope->'data'->>'messageId' = $1 order by id`,
          [messageId],
        )
    ).rows.map((r) => r.data);
  const effectsAt = async (owner: (typeof owners)[number], messageId: string) =>
    (await dbs.get(owner)!.pool.query<{ type: string }>(`select type from toy_effects where message_id = $1`, [messageId])).rows;
  /** Whether `owner`'s gate has committed past every record on every partition of the topic. */
  const readToTheEnd = async (owner: (typeof owners)[number]) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: groups.get(owner)!, topics: [topic] });
      const at = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
      // An empty partition has nothing to commit (-1).
      const behind = ends.filter((e) => Number(e.high) > 0 && (at.get(e.partition) ?? -1) < Number(e.high));
      if (behind.length === 0) return true;
      throw new Error(`behind on ${JSON.stringify(behind)}, committed ${JSON.stringify(committed!.partitions)}`);
    } finally {
      await admin.disconnect();
    }
  };

  it('WhenACountyReusesOneIdForARosterMessageAndADeed_EachOwnerAppliesItsOwnOnce_AndAnswersOnlyItsOwnResend', async () => {
    const id = randomUUID();
    const member = randomUUID();
    const deed = randomUUID();
    const roster = envelope(id, 'county.RosterMemberSynced', `roster-member-${member}`, {
      memberId: member,
      orgId: VILLAGE,
      name: '张三',
      status: 'full',
      joinedOn: '2001-07-01',
      roles: [],
      posts: [],
    });
    const deedRecorded = envelope(id, 'county.DeedRecorded', `deed-${deed}`, {
      deedId: deed,
      orgId: VILLAGE,
      helperUnitName: '松岭旗农牧业局',
      category: 'road_hardening',
      title: '村道硬化',
      doneOn: '2011-08-15',
    });
    await send([roster, deedRecorded]);
    const first = await waitUntil('a reply from each owner', async () => {
      const [o, a] = await Promise.all([repliesAt('organization', id), repliesAt('assistance', id)]);
      return o.length && a.length ? { o, a } : undefined;
    });
    expect(first.o).toEqual([
      expect.objectContaining({ outcome: 'applied', service: 'organization', messageType: 'county.RosterMemberSynced' }),
    ]);
    expect(first.a).toEqual([expect.objectContaining({ outcome: 'applied', service: 'assistance', messageType: 'county.DeedRecorded' })]);

    await send([deedRecorded]); // a resend of the deed alone
    await waitUntil('the deed’s resend answered', async () => ((await repliesAt('assistance', id)).length === 2 ? true : undefined));
    expect((await repliesAt('assistance', id))[1]).toMatchObject({ outcome: 'duplicate', originalOutcome: 'applied' });
    // Every partition read, the deed's and its resend's included: organization answered neither.
    await waitUntil('organization to read the whole topic', () => readToTheEnd('organization'));
    expect(await repliesAt('organization', id)).toHaveLength(1);
    expect(await effectsAt('organization', id)).toEqual([{ type: 'county.RosterMemberSynced' }]);
    expect(await effectsAt('assistance', id)).toEqual([{ type: 'county.DeedRecorded' }]);
  });
});
