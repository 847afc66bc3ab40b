import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { QueryRunner } from 'typeorm';
import { EventSigner, OrgEventSigner, developmentEventKey, signWithDevelopmentKey } from '@vanguard/auth';
import { MemberStateRemoved, STATE_REMOVAL_HEADER, type EventEnvelope } from '@vanguard/contracts';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { createTestSchema, readTopicToEnd, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { rosterMigrations } from '../src/infrastructure/migrations/roster.migrations';
import { PgRoster } from '../src/infrastructure/roster/pg-roster';
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

// Evaluation's roster (issue 10, ADR 0029): a fresh consumer bootstraps the whole roster from the
// compacted topics, follows moves, role changes, departures and dissolutions, and replaying the
// topics again changes nothing.
describe('roster projection from the organization state topics', () => {
  let org: TestSchema;
  let evaluation: TestSchema;
  let kafka: Kafka;
  let topics: { organization: string; member: string };
  let publisher: RosterStatePublisher;
  const runners: RosterRunner[] = [];
  const key = { id: 'd0', key: randomBytes(32) };
  const cipher = new AesGcmPersonalDataCipher({ active: key, byId: new Map([[key.id, key]]), index: { id: 'i0', key: randomBytes(32) } });
  const orgs = countyOrganizations(SONGLING);
  const members = [...countyMembers(SONGLING, orgs)].slice(0, 3_000);

  const follow = async () => {
    const runner = new RosterRunner(evaluation.pool, {
      enabled: true,
      brokers: infraConfig().kafkaBrokers,
      groupId: `roster-test-${randomUUID()}`,
      topics: [topics.organization, topics.member],
    });
    runners.push(runner);
    await runner.start();
    return runner;
  };
  const snapshot = async () => ({
    orgs: (await evaluation.pool.query(`select * from roster_organizations order by id`)).rows,
    members: (await evaluation.pool.query(`select * from roster_members order by id`)).rows,
  });
  /** The organization schema's current roster, in the projection's terms. */
  const source = async () => ({
    orgs: (await org.pool.query(`select id, parent_id, status from organizations order by id`)).rows,
    members: (await org.pool.query(`select id, org_id, membership, roles from members order by id`)).rows,
  });
  const projected = async () => ({
    orgs: (await evaluation.pool.query(`select id, parent_id, status from roster_organizations order by id`)).rows,
    members: (await evaluation.pool.query(`select id, org_id, membership, roles from roster_members order by id`)).rows,
  });
  const caughtUp = (what: string) =>
    waitUntil(what, async () => JSON.stringify(await projected()) === JSON.stringify(await source()), {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
  const endOffsets = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = new Map<string, bigint>();
      for (const topic of [topics.organization, topics.member])
        for (const p of await admin.fetchTopicOffsets(topic))
          if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}:${p.partition}`, BigInt(p.high));
      return ends;
    } finally {
      await admin.disconnect();
    }
  };
  const drain = async () => {
    while ((await publisher.publishOnce()) > 0);
  };

  beforeAll(async () => {
    org = await isolatedOrganizationSchema('roster_src');
    evaluation = await createTestSchema('roster_proj');
    const runner = { query: (sql: string, params?: unknown[]) => evaluation.pool.query(sql, params) } as unknown as QueryRunner;
    for (const M of rosterMigrations) await new M().up(runner);
    kafka = new Kafka({ clientId: 'roster-projection-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
    const prefix = testTopicPrefix('roster-projection');
    topics = { organization: `${prefix}.organization-state`, member: `${prefix}.member-state` };
    await ensureCompactedStateTopics(kafka, [topics.organization, topics.member]);
    publisher = new RosterStatePublisher(org.pool, kafka, OrgEventSigner.fromEnv(), { lockKey: `roster-state:${org.schema}`, topics });
    const seeder = new BulkSeeder(org.pool, cipher);
    await seeder.organizations(orgs);
    await seeder.members(members, members.length);
    await drain();
  }, 180_000);
  afterAll(async () => {
    for (const r of runners) await r.onModuleDestroy();
    await publisher?.stop();
    await org?.drop();
    await evaluation?.drop();
  });

  it('a fresh consumer group bootstraps the full roster from the beginning of the compacted topics', async () => {
    await follow();
    await caughtUp('the projection to hold every organisation and member');
    expect((await projected()).members).toHaveLength(members.length);
  }, 90_000);

  it('follows a move, a role change, a departure, a dissolution and a new contact point', async () => {
    const roster = new PgRoster(evaluation.pool);
    const village = demoOrgId('910425101201');
    const town = demoOrgId('910425101');
    const otherTown = demoOrgId('910425102');
    const [secretary, plain] = (
      await org.pool.query<{ id: string }>(`select id from members where org_id = $1 order by id limit 2`, [town])
    ).rows;
    const villager = (await org.pool.query<{ id: string }>(`select id from members where org_id = $1 order by id limit 1`, [village]))
      .rows[0]!;
    const childless = (
      await org.pool.query<{ id: string }>(
        `select id from organizations o where not exists (select 1 from organizations c where c.parent_id = o.id) and not exists (select 1 from members m where m.org_id = o.id) and level = 'village' limit 1`,
      )
    ).rows[0]!;
    const leaderSub = randomUUID();

    await org.pool.query(`update members set roles = array['secretary'] where id = $1`, [secretary!.id]);
    await org.pool.query(`update members set membership = 'left' where id = $1`, [plain!.id]);
    await org.pool.query(`update organizations set status = 'dissolved' where id = $1`, [childless.id]);
    await org.pool.query(
      `insert into contact_points (id, org_id, leader_id, leader_name, established_on) values ($1, $2, $3, '某领导', '2024-01-01')`,
      [randomUUID(), village, leaderSub],
    );
    await drain();
    await caughtUp('the projection to follow the changes');

    expect(await roster.leaderStanding({ sub: 'x', memberId: secretary!.id }, village)).toMatchObject({
      as: 'ancestor_leader',
      viaOrgId: town,
    });
    expect(await roster.leaderStanding({ sub: 'x', memberId: secretary!.id }, town)).toBeNull();
    expect(await roster.leaderStanding({ sub: leaderSub }, village)).toMatchObject({ as: 'contact_point_leader' });
    expect(await roster.leaderStanding({ sub: leaderSub }, town)).toBeNull();
    expect(await roster.isActiveMemberOf(plain!.id, town)).toBe(false);
    expect(await roster.activeMemberIdsOf(town)).not.toContain(plain!.id);
    expect(await roster.isActiveMemberOf(villager.id, village)).toBe(true);

    // Move the village under the other township: the town's secretary no longer leads it.
    const { rows } = await org.pool.query<{ path: string }>(`select path from organizations where id = $1`, [otherTown]);
    await org.pool.query(`update organizations set parent_id = $2, path = $3 || id || '/' where id = $1`, [
      village,
      otherTown,
      rows[0]!.path,
    ]);
    await drain();
    await waitUntil(
      'the move to arrive',
      async () => ((await roster.leaderStanding({ sub: 'x', memberId: secretary!.id }, village)) === null ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    expect(
      (await evaluation.pool.query<{ path: string[] }>(`select path from roster_organizations where id = $1`, [village])).rows[0]!.path,
    ).toContain(otherTown);
  }, 90_000);

  it('replaying the topics from the beginning, twice, changes nothing', async () => {
    const before = await snapshot();
    for (let i = 0; i < 2; i++) {
      const replay = await follow();
      const ends = await endOffsets();
      await waitUntil(
        'the replay to read both topics to their end',
        () => ([...ends].every(([tp, end]) => (replay.positions.get(tp) ?? -1n) + 1n >= end) ? true : undefined),
        { timeoutMs: 60_000 },
      );
      expect(await snapshot()).toEqual(before);
    }
    // Record by record, oldest first: an older state of a row never overwrites a newer one,
    // not even for a moment (the village's state from before its move is still on the topic).
    const village = demoOrgId('910425101201');
    const moved = JSON.stringify(before.orgs.find((o: { id: string }) => o.id === village));
    const history = (await readTopicToEnd(kafka, topics.organization)).filter((r) => r.key === `organization-${village}`);
    expect(history.length).toBeGreaterThan(1);
    for (const r of history) {
      await runners[0]!.projection.apply([{ key: r.key, value: r.value }]);
      const now = (await evaluation.pool.query(`select * from roster_organizations where id = $1`, [village])).rows[0];
      expect(JSON.stringify(now)).toBe(moved);
    }
  }, 90_000);

  it('applies no record the organization service did not sign', async () => {
    const victim = (await evaluation.pool.query<{ id: string; org_id: string }>(`select id, org_id from roster_members limit 1`)).rows[0]!;
    const forged = {
      eventId: randomUUID(),
      type: 'organization.MemberState',
      version: 1,
      streamId: `member-${victim.id}`,
      streamVersion: Number.MAX_SAFE_INTEGER,
      occurredAt: new Date().toISOString(),
      recordedAt: new Date().toISOString(),
      actor: { sub: 'forger', roles: [] },
      orgId: victim.org_id,
      correlationId: randomUUID(),
      causationId: null,
      data: { memberId: victim.id, orgId: victim.org_id, status: 'full', membership: 'active', roles: ['secretary'], posts: [] },
    };
    const result = await runners[0]!.projection.apply([{ key: forged.streamId, value: JSON.stringify(forged) }]);
    expect(result).toEqual({ applied: 0, refused: 1 });
  });

  // ADR 0130: a tombstone is anybody's to send; only the organization service's signed removal of its key removes a row.
  it('removes a row only on the organization service’s signed removal, and an older state sent again does not bring it back', async () => {
    const projection = runners[0]!.projection;
    const rowOf = async (table: string, id: string) =>
      (await evaluation.pool.query<{ version: string }>(`select * from ${table} where id = $1`, [id])).rows[0];
    const victim = (
      await org.pool.query<{ id: string }>(
        `select id from members m where roles = '{}' and membership = 'active' and not exists (select 1 from member_transfers t where t.member_id = m.id) order by id limit 1`,
      )
    ).rows[0]!.id;
    const key = `member-${victim}`;
    const held = await rowOf('roster_members', victim);
    expect(held).toBeDefined();

    // Through the topic, as anyone who can write to it: a bare tombstone and one carrying an unsigned removal.
    const removal = (k: string, version: number): EventEnvelope => ({
      eventId: randomUUID(),
      type: MemberStateRemoved.type,
      version: 1,
      streamId: k,
      streamVersion: version,
      occurredAt: new Date().toISOString(),
      recordedAt: new Date().toISOString(),
      actor: { sub: 'forger', roles: [] },
      orgId: 'platform',
      correlationId: randomUUID(),
      causationId: null,
      data: { memberId: k.slice('member-'.length) },
    });
    const header = (e: EventEnvelope) => ({ [STATE_REMOVAL_HEADER]: JSON.stringify(e) });
    const producer = testProducer(kafka);
    await producer.connect();
    try {
      const [sent] = await producer.send({
        topic: topics.member,
        messages: [
          { key, value: null },
          { key, value: null, headers: header(removal(key, Number.MAX_SAFE_INTEGER)) },
        ],
      });
      const last = BigInt(sent!.baseOffset!) + 1n;
      await waitUntil(
        'the roster consumer to read both tombstones',
        () => ((runners[0]!.positions.get(`${topics.member}:${sent!.partition}`) ?? -1n) >= last ? true : undefined),
        { timeoutMs: 30_000 },
      );
    } finally {
      await producer.disconnect();
    }
    expect(await rowOf('roster_members', victim)).toEqual(held);

    // Straight to the projection: unsigned, signed by another key under organisation's kid, organisation's own
    // removal of another member, one whose version was raised after signing, and a signed state of another type.
    const byAnotherKey = new EventSigner('organization', developmentEventKey('publicity'), 'organization-dev-1').sign(removal(key, 1e12));
    const raised = { ...signWithDevelopmentKey(removal(key, 1e12)), streamVersion: 1e12 + 1 };
    const forged = [
      { key, value: null },
      { key, value: null, removal: JSON.stringify(removal(key, 1e12)) },
      { key, value: null, removal: JSON.stringify(byAnotherKey) },
      { key, value: null, removal: JSON.stringify(signWithDevelopmentKey(removal(`member-${randomUUID()}`, 1e12))) },
      { key, value: null, removal: JSON.stringify(raised) },
      { key, value: null, removal: 'not json' },
    ];
    expect(await projection.apply(forged)).toEqual({ applied: 0, refused: forged.length });
    expect(await rowOf('roster_members', victim)).toEqual(held);

    // The organization service's own removal: the member and an empty organisation truly deleted (a benchmark's
    // cleanup), its publisher signs their removals.
    const emptyOrg = (
      await org.pool.query<{ id: string }>(
        `select id from organizations o where not exists (select 1 from organizations c where c.parent_id = o.id or c.merged_into_id = o.id)
           and not exists (select 1 from members m where m.org_id = o.id) and not exists (select 1 from contact_points p where p.org_id = o.id)
           and not exists (select 1 from member_transfers t where t.from_org_id = o.id or t.to_org_id = o.id) order by id limit 1`,
      )
    ).rows[0]!.id;
    expect(await rowOf('roster_organizations', emptyOrg)).toBeDefined();
    const older = {
      member: (await readTopicToEnd(kafka, topics.member)).filter((r) => r.key === key && r.value !== null),
      org: (await readTopicToEnd(kafka, topics.organization)).filter((r) => r.key === `organization-${emptyOrg}` && r.value !== null),
    };
    expect(Math.min(older.member.length, older.org.length)).toBeGreaterThan(0);
    await org.pool.query(`delete from member_history where member_id = $1`, [victim]);
    await org.pool.query(`delete from members where id = $1`, [victim]);
    await org.pool.query(`delete from organizations where id = $1`, [emptyOrg]);
    await drain();
    await waitUntil(
      'the removals to arrive',
      async () =>
        (await rowOf('roster_members', victim)) === undefined && (await rowOf('roster_organizations', emptyOrg)) === undefined
          ? true
          : undefined,
      { timeoutMs: 30_000 },
    );
    const kept = await evaluation.pool.query<{ kind: string; version: string }>(
      `select kind, version from roster_removals where id = any($1::uuid[]) order by kind`,
      [[victim, emptyOrg]],
    );
    expect(kept.rows.map((r) => r.kind)).toEqual(['member', 'organization']);
    expect(Number(kept.rows[0]!.version)).toBeGreaterThan(Number(held!.version));

    // Their genuine older states, signed by the organization service, sent again (a lapsed leader's batch, a replay).
    const result = await projection.apply([...older.member, ...older.org].map((r) => ({ key: r.key, value: r.value })));
    expect(result.refused).toBe(0);
    expect(await rowOf('roster_members', victim)).toBeUndefined();
    expect(await rowOf('roster_organizations', emptyOrg)).toBeUndefined();
    // And a consumer group reading the topics from the beginning again ends without them.
    const replay = await follow();
    const ends = await endOffsets();
    await waitUntil(
      'the replay to read both topics to their end',
      () => ([...ends].every(([tp, end]) => (replay.positions.get(tp) ?? -1n) + 1n >= end) ? true : undefined),
      { timeoutMs: 60_000 },
    );
    expect(await rowOf('roster_members', victim)).toBeUndefined();
    expect(await rowOf('roster_organizations', emptyOrg)).toBeUndefined();
  }, 120_000);
});
