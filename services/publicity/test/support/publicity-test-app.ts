import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import {
  CommendationDecided,
  CommendationRevoked,
  QuarterPioneerSelected,
  type ContractData,
  type EventEnvelope,
} from '@vanguard/contracts';
import { configureHttpApp } from '@vanguard/http';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { ensureTopics, toKafkaMessage } from '@vanguard/messaging';
import { createTestSchema, startAtTheEnd as startGroupAtTheEnd, testProducer, type TestSchema } from '@vanguard/testing';
import { publicityMigrations } from '../../src/infrastructure/migrations';
import { bootstrapDemoTree, signWithDevelopmentKey } from '@vanguard/auth';
import { publicityConfig, type PublicityConfig } from '../../src/publicity.config';
import { PublicityModule } from '../../src/publicity.module';

export const kafka = new Kafka({ clientId: 'publicity-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
export const COUNTY = demoOrgId('910425');
export const VILLAGE = demoOrgId('910425101201');

/**
 * The real service in a schema of its own, with its decisions consumer reading a group of its
 * own that starts at the topics' current ends (offsets set before it joins): it sees exactly
 * the events the suite produces, not the shared topics' history, and none of them can be missed.
 */
export async function createPublicityTestApp(
  prefix: string,
  overrides: Partial<PublicityConfig> = {},
): Promise<{ app: INestApplication; schema: TestSchema }> {
  const schema = await createPublicitySchema(prefix);
  const groupId = `publicity.decisions.${prefix}-${randomUUID()}`;
  if (overrides.decisions !== false) await startAtTheEnd(groupId, [CommendationDecided.topic, QuarterPioneerSelected.topic]);
  return { app: await publicityAppOn(schema, { decisionsGroupId: groupId, ...overrides }), schema };
}

/** A schema of its own, migrated, holding the demo region's org-tree copy. */
export async function createPublicitySchema(prefix: string): Promise<TestSchema> {
  const schema = await createTestSchema(prefix);
  const ds = new DataSource({ type: 'postgres', url: schema.url, schema: schema.schema, migrations: publicityMigrations });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  await bootstrapDemoTree(schema.pool);
  return schema;
}

/** One replica of the service on a schema (several may share one, as replicas share the database). */
export async function publicityAppOn(schema: TestSchema, overrides: Partial<PublicityConfig> = {}): Promise<INestApplication> {
  const config: PublicityConfig = {
    ...publicityConfig(infraConfig(), 'test'),
    databaseUrl: schema.url,
    schema: schema.schema,
    relay: false,
    orgTree: false,
    decisions: true,
    ...overrides,
  };
  const moduleRef = await Test.createTestingModule({ imports: [PublicityModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttpApp(app, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

/** The topics exist and `groupId` reads only what is published on them from now on. */
export async function startAtTheEnd(groupId: string, topics: string[]): Promise<void> {
  await ensureTopics(kafka, topics);
  await startGroupAtTheEnd(kafka, groupId, topics);
}

let producer: Producer | undefined;
/**
 * Sends envelopes as the commendation or evaluation relay would (key = streamId, envelope headers,
 * signed with the development key of the event's context, ADR 0059).
 */
export async function produce(topic: string, ...envelopes: EventEnvelope[]): Promise<void> {
  await produceAsIs(topic, ...envelopes.map((e) => signWithDevelopmentKey(e)));
}

/** Exactly the envelopes given: a forger's, unsigned or signed with a key of its own. */
export async function produceAsIs(topic: string, ...envelopes: EventEnvelope[]): Promise<void> {
  if (!producer) {
    producer = testProducer(kafka);
    await producer.connect();
  }
  await producer.send({ topic, messages: envelopes.map(toKafkaMessage) });
}
export async function closeProducer(): Promise<void> {
  await producer?.disconnect();
  producer = undefined;
}

const AUTHORITY = { sub: 'county-committee', role: 'organizer', orgId: COUNTY };

export function envelope<T>(type: string, streamId: string, data: T): EventEnvelope<T> {
  const at = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type,
    version: 1,
    streamId,
    streamVersion: 1,
    occurredAt: at,
    recordedAt: at,
    actor: { sub: AUTHORITY.sub, roles: ['organizer'], orgId: COUNTY, kind: 'user' },
    orgId: COUNTY,
    correlationId: randomUUID(),
    causationId: null,
    data,
  };
}

/** A CommendationDecided as the commendation service publishes it. */
export function decided(name = '王红梅', nominationId = randomUUID()): EventEnvelope<ContractData<typeof CommendationDecided>> {
  return envelope(CommendationDecided.type, `nomination-${nominationId}`, {
    nominationId,
    programmeId: randomUUID(),
    category: 'outstanding_member' as const,
    nominee: { kind: 'member' as const, id: randomUUID(), name, orgId: VILLAGE, orgName: '红石村党支部' },
    deedsSummary: '带领群众发展合作社 <b>三年</b>',
    documentNumber: '松组发〔2026〕5号',
    decidedOn: '2026-06-28',
    decision: {
      decidedBy: AUTHORITY,
      inputs: [{ streamId: `nomination-${nominationId}`, version: 7 }],
      rule: { id: 'commendation.decide', version: 1 },
      reason: '',
    },
  });
}

export function revoked(nominationId: string, reason: string): EventEnvelope<ContractData<typeof CommendationRevoked>> {
  return envelope(CommendationRevoked.type, `nomination-${nominationId}`, {
    nominationId,
    programmeId: randomUUID(),
    documentNumber: '松组发〔2026〕9号',
    revokedOn: '2026-07-15',
    decision: {
      decidedBy: AUTHORITY,
      inputs: [{ streamId: `nomination-${nominationId}`, version: 8 }],
      rule: { id: 'commendation.revoke', version: 1 },
      reason,
    },
  });
}

/** An exemplar proposed as a quarter pioneer's would be (what the consumer writes), in `orgId`; its id. */
export async function proposedExemplar(pool: Pool, orgId: string, person = { name: '赵春生', orgName: '红石村党支部' }): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `insert into exemplars (id, status, source_kind, source_stream, source_event_id, subject_kind, subject_id, name, org_id,
                            org_name, category, story, proposed_at)
     values ($1, 'proposed', 'quarter_pioneer', 'pioneer-x', $2, 'member', $3, $5, $4, $6, 'quarter_pioneer', '<p>带头修路</p>', now())`,
    [id, randomUUID(), randomUUID(), orgId, person.name, person.orgName],
  );
  return id;
}
