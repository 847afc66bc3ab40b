import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventSigner, OrgEventSigner, developmentEventKey, signWithDevelopmentKey } from '@vanguard/auth';
import { MemberStateRemoved, OrganizationStateRemoved, STATE_REMOVAL_HEADER, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, readTopicToEnd, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { assistanceMigrations } from '../src/infrastructure/migrations';
import { RosterRunner } from '../src/infrastructure/roster/roster.runner';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the producer side of the topics under test: the organization service's own publisher, seeder and schema
import { RosterStatePublisher } from '../../organization/src/infrastructure/roster-state/roster-state-publisher';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { ensureCompactedStateTopics } from '../../organization/src/infrastructure/roster-state/roster-state-topics';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { BulkSeeder } from '../../organization/src/infrastructure/seed/bulk-seeder';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { SONGLING, countyMembers, countyOrganizations } from '../../organization/src/infrastructure/seed/synthetic-region';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { isolatedOrganizationSchema } from '../../organization/test/support/isolated-schema';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { AesGcmPersonalDataCipher } from '../../organization/src/infrastructure/crypto/aes-gcm-personal-data-cipher';

/** A removal as organization's publisher builds it (ADR 0130), unsigned. */
const removalOf = (key: string, version: number): EventEnvelope => {
  const organization = key.startsWith('organization-');
  const id = key.slice(key.indexOf('-') + 1);
  return {
    eventId: randomUUID(),
    type: organization ? OrganizationStateRemoved.type : MemberStateRemoved.type,
    version: 1,
    streamId: key,
    streamVersion: version,
    occurredAt: new Date().toISOString(),
    recordedAt: new Date().toISOString(),
    actor: { sub: 'test', roles: [] },
    orgId: 'platform',
    correlationId: randomUUID(),
    causationId: null,
    data: organization ? { orgId: id } : { memberId: id },
  };
};

// Assistance's roster copy (scope is read from it) follows the organization service's state topics
// (ADR 0029); a row leaves it only on that service's signed removal (ADR 0130).
describe('assistance roster copy from the organization state topics', () => {
  let org: TestSchema;
  let assistance: TestSchema;
  let kafka: Kafka;
  let topics: { organization: string; member: string };
  let publisher: RosterStatePublisher;
  let runner: RosterRunner;
  const key = { id: 'd0', key: randomBytes(32) };
  const cipher = new AesGcmPersonalDataCipher({ active: key, byId: new Map([[key.id, key]]), index: { id: 'i0', key: randomBytes(32) } });
  const county = { ...SONGLING, organizations: 40, members: 200 };
  const orgs = countyOrganizations(county);
  const members = [...countyMembers(county, orgs)];

  const drain = async () => {
    while ((await publisher.publishOnce()) > 0);
  };
  const rowOf = async (table: 'roster_members' | 'roster_organizations', id: string) =>
    (await assistance.pool.query<{ version: string }>(`select * from ${table} where id = $1`, [id])).rows[0];
  /** Until the copy's consumer has applied `topic`'s partition up to `offset`. */
  const readTo = (topic: string, partition: number, offset: bigint) =>
    waitUntil(`the roster consumer to read ${topic}[${partition}] to ${offset}`, () =>
      (runner.positions.get(`${topic}:${partition}`) ?? -1n) >= offset ? true : undefined,
    );

  beforeAll(async () => {
    org = await isolatedOrganizationSchema('asst_roster_src');
    assistance = await createTestSchema('asst_roster');
    const ds = new DataSource({ type: 'postgres', url: assistance.url, schema: assistance.schema, migrations: assistanceMigrations });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    kafka = new Kafka({ clientId: 'assistance-roster-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
    const prefix = testTopicPrefix('assistance-roster');
    topics = { organization: `${prefix}.organization-state`, member: `${prefix}.member-state` };
    await ensureCompactedStateTopics(kafka, [topics.organization, topics.member]);
    publisher = new RosterStatePublisher(org.pool, kafka, OrgEventSigner.fromEnv(), { lockKey: `roster-state:${org.schema}`, topics });
    const seeder = new BulkSeeder(org.pool, cipher);
    await seeder.organizations(orgs);
    await seeder.members(members, members.length);
    await drain();
    runner = new RosterRunner(assistance.pool, {
      enabled: true,
      brokers: infraConfig().kafkaBrokers,
      groupId: `assistance-roster-test-${randomUUID()}`,
      topics: [topics.organization, topics.member],
    });
    await runner.start();
    // Both topics: the organisations' may lag the members' (a clean-clone run took a victim's
    // organisation as absent, and its genuine state arrived during the test).
    const count = async (pool: TestSchema['pool'], table: string) =>
      Number((await pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);
    const expected = [await count(org.pool, 'members'), await count(org.pool, 'organizations')];
    await waitUntil(
      'the copy to hold every member and organisation',
      async () =>
        (await count(assistance.pool, 'roster_members')) === expected[0] &&
        (await count(assistance.pool, 'roster_organizations')) === expected[1],
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }, 180_000);
  afterAll(async () => {
    await runner?.onModuleDestroy();
    await publisher?.stop();
    await org?.drop();
    await assistance?.drop();
  });

  it('keeps a row a bare tombstone or one with a forged removal names, through the topic and straight to the projection', async () => {
    const victim = (
      await assistance.pool.query<{ id: string; org_id: string }>(`select id, org_id from roster_members order by id limit 1`)
    ).rows[0]!;
    const memberKey = `member-${victim.id}`;
    const orgKey = `organization-${victim.org_id}`;
    const held = { member: await rowOf('roster_members', victim.id), org: await rowOf('roster_organizations', victim.org_id) };
    const header = (e: EventEnvelope) => ({ [STATE_REMOVAL_HEADER]: JSON.stringify(e) });

    // As anyone who can write to the topics: bare tombstones, and ones carrying an unsigned removal.
    const producer = testProducer(kafka);
    await producer.connect();
    try {
      for (const [topic, k] of [
        [topics.member, memberKey],
        [topics.organization, orgKey],
      ] as const) {
        const [sent] = await producer.send({
          topic,
          messages: [
            { key: k, value: null },
            { key: k, value: null, headers: header(removalOf(k, Number.MAX_SAFE_INTEGER)) },
          ],
        });
        await readTo(topic, sent!.partition, BigInt(sent!.baseOffset!) + 1n);
      }
    } finally {
      await producer.disconnect();
    }
    expect({ member: await rowOf('roster_members', victim.id), org: await rowOf('roster_organizations', victim.org_id) }).toEqual(held);

    // Signed by another key under organisation's kid, organisation's removal of another member, a version raised after signing.
    const raised = { ...signWithDevelopmentKey(removalOf(memberKey, 1e12)), streamVersion: 1e12 + 1 };
    const forged = [
      { key: memberKey, value: null },
      { key: memberKey, value: null, removal: JSON.stringify(removalOf(memberKey, 1e12)) },
      {
        key: memberKey,
        value: null,
        removal: JSON.stringify(
          new EventSigner('organization', developmentEventKey('publicity'), 'organization-dev-1').sign(removalOf(memberKey, 1e12)),
        ),
      },
      { key: memberKey, value: null, removal: JSON.stringify(signWithDevelopmentKey(removalOf(`member-${randomUUID()}`, 1e12))) },
      { key: orgKey, value: null, removal: JSON.stringify(signWithDevelopmentKey(removalOf(memberKey, 1e12))) },
      { key: memberKey, value: null, removal: JSON.stringify(raised) },
    ];
    expect(await runner.projection.apply(forged)).toEqual({ applied: 0, refused: forged.length });
    expect({ member: await rowOf('roster_members', victim.id), org: await rowOf('roster_organizations', victim.org_id) }).toEqual(held);
  });

  it('removes a row the organization service truly deleted, on its signed removal, and an older state sent again does not bring it back', async () => {
    const victim = (
      await org.pool.query<{ id: string }>(
        `select id from members m where not exists (select 1 from member_transfers t where t.member_id = m.id) order by id desc limit 1`,
      )
    ).rows[0]!.id;
    const emptyOrg = (
      await org.pool.query<{ id: string }>(
        `select id from organizations o where not exists (select 1 from organizations c where c.parent_id = o.id or c.merged_into_id = o.id)
           and not exists (select 1 from members m where m.org_id = o.id) and not exists (select 1 from contact_points p where p.org_id = o.id)
           and not exists (select 1 from member_transfers t where t.from_org_id = o.id or t.to_org_id = o.id) order by id limit 1`,
      )
    ).rows[0]!.id;
    const before = { member: await rowOf('roster_members', victim), org: await rowOf('roster_organizations', emptyOrg) };
    expect(before.member && before.org).toBeDefined();
    const older = [
      ...(await readTopicToEnd(kafka, topics.member)).filter((r) => r.key === `member-${victim}` && r.value !== null),
      ...(await readTopicToEnd(kafka, topics.organization)).filter((r) => r.key === `organization-${emptyOrg}` && r.value !== null),
    ];
    expect(older).toHaveLength(2);

    // A benchmark's cleanup: the rows truly deleted; the publisher sends their removals, signed.
    await org.pool.query(`delete from member_history where member_id = $1`, [victim]);
    await org.pool.query(`delete from members where id = $1`, [victim]);
    await org.pool.query(`delete from organizations where id = $1`, [emptyOrg]);
    await drain();
    await waitUntil(
      'the removals to arrive',
      async () =>
        ((await rowOf('roster_members', victim)) === undefined && (await rowOf('roster_organizations', emptyOrg)) === undefined) ||
        undefined,
      { timeoutMs: 30_000 },
    );
    const kept = await assistance.pool.query<{ kind: string; version: string }>(
      `select kind, version from roster_removals where id = any($1::uuid[]) order by kind`,
      [[victim, emptyOrg]],
    );
    expect(kept.rows.map((r) => r.kind)).toEqual(['member', 'organization']);
    expect(Number(kept.rows[0]!.version)).toBeGreaterThan(Number(before.member!.version));
    expect(Number(kept.rows[1]!.version)).toBeGreaterThan(Number(before.org!.version));

    // Their genuine older states, signed by the organization service, sent again (a lapsed leader's batch, a replay).
    expect(await runner.projection.apply(older.map((r) => ({ key: r.key, value: r.value })))).toMatchObject({ refused: 0 });
    expect(await rowOf('roster_members', victim)).toBeUndefined();
    expect(await rowOf('roster_organizations', emptyOrg)).toBeUndefined();
  });
});
