// The county gate alone: N RosterMemberSynced messages from one county (one real token) over
// `subjects` subjects, through CountyInboundConsumer with a toy handler (one multi-row insert per
// batch), in a scratch schema on a scratch topic. Measures from the gate's start until every
// message is recorded, i.e. token check, contract, scope, ledger, handler, replies in the outbox.
// Run: node -r @swc-node/register bench/county-inbound/gate.ts [messages=20000] [subjects=5000]
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { PoolClient } from 'pg';
import { TokenVerifier } from '@vanguard/auth';
import { publicContracts } from '@vanguard/contracts';
import { CountyInboundConsumer, PgCountyInboundStore, applied, ensureCountyTopics, migrateCountyInbound } from '@vanguard/county-inbound';
import { infraConfig } from '@vanguard/infra-config';
import { migrateOutbox } from '@vanguard/messaging';
import { claimsOf, createTestSchema, serviceTokenFor, testTopicPrefix } from '@vanguard/testing';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 20_000);
  const subjectCount = Number(process.argv[3] ?? 5_000);
  const cfg = infraConfig();
  const db = await createTestSchema('bench_county_gate');
  const kafka = new Kafka({ clientId: 'bench-county-gate', brokers: [...cfg.kafkaBrokers], logLevel: logLevel.NOTHING });
  const topic = `${testTopicPrefix('bench-county-gate')}.inbound`;
  try {
    await migrateOutbox(db.pool);
    await migrateCountyInbound(db.pool);
    await db.pool.query(`create table toy (subject text, sequence bigint, message_id text)`);
    await ensureCountyTopics(kafka, ['county-songling'], { inboundTopic: topic });
    const token = await serviceTokenFor('county-songling');
    const sub = String(claimsOf(token)['sub']);
    const county = String(claimsOf(token)['org_id']);
    const branch = randomUUID();
    const members = Array.from({ length: subjectCount }, () => ({ id: randomUUID(), seq: 0 }));
    const producer = kafka.producer();
    await producer.connect();
    const now = new Date().toISOString();
    for (let from = 0; from < total; from += 500) {
      const messages = Array.from({ length: Math.min(500, total - from) }, (_, i) => {
        const m = members[(from + i) % members.length]!;
        const e = {
          eventId: randomUUID(),
          type: 'county.RosterMemberSynced',
          version: 1,
          streamId: `roster-member-${m.id}`,
          streamVersion: ++m.seq,
          occurredAt: now,
          recordedAt: now,
          actor: { sub, roles: ['county_system'], orgId: county, kind: 'service' },
          orgId: county,
          correlationId: randomUUID(),
          causationId: null,
          data: { memberId: m.id, orgId: branch, name: '张三', status: 'full', joinedOn: '2001-07-01', roles: [], posts: [] },
        };
        return { key: e.streamId, value: JSON.stringify(e), headers: { authorization: `Bearer ${token}` } };
      });
      await producer.send({ topic, messages, acks: -1 });
    }
    await producer.disconnect();
    const gate = new CountyInboundConsumer<PoolClient>({
      kafka,
      groupId: `bench-${randomUUID()}`,
      owner: 'organization',
      tokenVerifier: new TokenVerifier({ issuer: cfg.keycloakIssuer, audience: cfg.keycloakAudience, allowedClients: ['county-songling'] }),
      knownCounties: ['county-songling'],
      contracts: publicContracts,
      scope: () => true,
      handlers: {
        'county.RosterMemberSynced': async (ms, tx) => {
          await tx.query(`insert into toy select * from unnest($1::text[], $2::bigint[], $3::text[])`, [
            ms.map((m) => m.subject),
            ms.map((m) => m.sequence),
            ms.map((m) => m.messageId),
          ]);
          return ms.map(() => applied());
        },
      },
      store: new PgCountyInboundStore(db.pool),
      topic,
      ensureTopics: false,
      maxWaitTimeInMs: 100,
    });
    const t0 = Date.now();
    await gate.start();
    for (;;) {
      const { rows } = await db.pool.query<{ n: number }>(`select count(*)::int as n from county_messages`);
      if (rows[0]!.n >= total) break;
      if (Date.now() - t0 > 300_000) throw new Error(`only ${rows[0]!.n} of ${total} after 300 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (Date.now() - t0) / 1000;
    await gate.stop();
    const { rows } = await db.pool.query<{ n: number }>(`select count(*)::int as n from vanguard_outbox`);
    console.log(
      `county gate: ${total} messages over ${subjectCount} subjects in ${seconds.toFixed(1)} s = ${Math.round(total / seconds)} msg/s ` +
        `(incl. group join); ${rows[0]!.n} replies in the outbox`,
    );
  } finally {
    await db.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
