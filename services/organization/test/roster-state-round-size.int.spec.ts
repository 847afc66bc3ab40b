import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { OrgEventSigner } from '@vanguard/auth';
import { createLedTopics, testTopicPrefix, type TestSchema } from '@vanguard/testing';
import { AesGcmPersonalDataCipher } from '../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { RosterStatePublisher } from '../src/infrastructure/roster-state/roster-state-publisher';
import { BulkSeeder } from '../src/infrastructure/seed/bulk-seeder';
import { SONGLING, countyMembers, countyOrganizations } from '../src/infrastructure/seed/synthetic-region';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { drain, latestByKey, testKafka } from './support/roster-state';

// A full round of the roster-state publisher (2,000 notes) into one partition is more than the
// broker takes in one request (1 MB) once each state carries its batch signature (ADR 0085): the
// round was refused at every retry and the states never left. Topics of one partition, so the
// whole round lands in one partition's share.
describe('roster state round larger than one produce request', () => {
  let db: TestSchema;
  let kafka: Kafka;
  let publisher: RosterStatePublisher;
  const topics = {
    organization: `${testTopicPrefix('org-state-size')}.organization-state`,
    member: `${testTopicPrefix('org-state-size')}.member-state`,
  };
  const county = { ...SONGLING, organizations: 40, members: 1_900 };

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_state_size');
    kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    await createLedTopics(
      admin,
      Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })),
    );
    await admin.disconnect();
    const key = { id: 'd0', key: randomBytes(32) };
    const cipher = new AesGcmPersonalDataCipher({ active: key, byId: new Map([[key.id, key]]), index: { id: 'i0', key: randomBytes(32) } });
    const orgs = countyOrganizations(county);
    const seeder = new BulkSeeder(db.pool, cipher);
    await seeder.organizations(orgs);
    await seeder.members(countyMembers(county, orgs), county.members);
    publisher = new RosterStatePublisher(db.pool, kafka, OrgEventSigner.fromEnv(), { lockKey: `roster-state:${db.schema}`, topics });
  }, 240_000);
  afterAll(async () => {
    await publisher?.stop();
    await db?.drop();
  });

  it('sends every state of a round whose one partition holds more than 1 MB, and only then lets the notes go', async () => {
    const { rows } = await db.pool.query<{ n: number }>(`select count(*)::int as n from roster_state_changes where kind = 'member'`);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(county.members);
    await drain(publisher);
    const members = await latestByKey(kafka, topics.member);
    expect(members.latest.size).toBe(county.members);
    const bytes = members.all.reduce((n, r) => n + (r.value?.length ?? 0), 0);
    expect(bytes).toBeGreaterThan(1_048_588);
    const left = await db.pool.query<{ n: number }>(`select count(*)::int as n from roster_state_changes`);
    expect(left.rows[0]!.n).toBe(0);
  });
});
