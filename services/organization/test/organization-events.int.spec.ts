import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import request from 'supertest';
import { OrganizationRegistered, publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { ScopeService, createOrgTreeConsumer, migrateOrgTree } from '@vanguard/auth';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { ensureTopics, migrateInbox, type EventConsumer } from '@vanguard/messaging';
import { createTestSchema, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import type { PoolClient } from 'pg';
import { OutboxRelayRunner } from '../src/infrastructure/outbox/outbox-relay.runner';
import { DEMO_REGION } from '../src/infrastructure/seed/demo-region';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { isolatedOrganizationSchema } from './support/isolated-schema';

const BAIHUA = demoOrgId('910425101');
const HEKOU_TOWN = demoOrgId('910425102');
const TOPIC = OrganizationRegistered.topic;

// The service with its relay on, in a schema of its own, publishing to the real topic; a
// second "service" keeps its copy of the tree from that topic with the libs/auth consumer.
describe(OutboxRelayRunner.name, () => {
  let org: TestSchema;
  let copy: TestSchema;
  let sut: INestApplication;
  let tap: Consumer;
  let treeConsumer: EventConsumer<PoolClient>;
  const scope = new ScopeService();
  const seen: EventEnvelope[] = [];
  const kafka = new Kafka({ clientId: 'org-events-int', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  let token: string;

  beforeAll(async () => {
    org = await isolatedOrganizationSchema('org_events');
    copy = await createTestSchema('org_tree_copy');
    await migrateOrgTree(copy.pool);
    await migrateInbox(copy.pool);
    // The copy starts from the demo region (as a service bootstrapped before these events would).
    for (const o of DEMO_REGION) {
      const parent = DEMO_REGION.find((p) => p.code === o.parentCode);
      await copy.pool.query(`insert into org_tree (id, parent_id, code, name, level) values ($1, $2, $3, $4, $5)`, [
        o.id,
        parent?.id ?? null,
        o.code,
        o.name,
        o.level,
      ]);
    }
    await copy.pool.query(`with recursive s(id, path) as (select id, '/' || id || '/' from org_tree where parent_id is null
      union all select t.id, s.path || t.id || '/' from org_tree t join s on t.parent_id = s.id) update org_tree t set path = s.path from s where s.id = t.id`);
    await scope.load(copy.pool);

    await ensureTopics(kafka, [TOPIC]);
    tap = kafka.consumer({ groupId: `org-events-tap-${randomUUID()}` });
    await tap.connect();
    await tap.subscribe({ topics: [TOPIC], fromBeginning: false });
    await tap.run({
      eachMessage: ({ message }) => {
        seen.push(JSON.parse(message.value!.toString()) as EventEnvelope);
        return Promise.resolve();
      },
    });
    await waitUntil('the tap to be assigned partitions', () => tap.describeGroup().then((g) => g.state === 'Stable'));

    treeConsumer = createOrgTreeConsumer({ kafka, groupId: `org-tree-copy-${randomUUID()}`, pool: copy.pool, scope });
    await treeConsumer.start();

    sut = await createOrganizationTestApp({ databaseUrl: org.url, schema: org.schema, relay: true });
    token = await tokenFor('county.organizer');
  });

  afterAll(async () => {
    await sut?.close();
    await treeConsumer?.stop();
    await tap?.disconnect();
    await org?.drop();
    await copy?.drop();
  });

  const post = (path: string, body: object, correlationId = randomUUID()) =>
    request(sut.getHttpServer()).post(path).set('Authorization', `Bearer ${token}`).set('x-correlation-id', correlationId).send(body);

  it('publishes each change once, keyed by stream, validated by its contract, with actor and correlation', async () => {
    const correlationId = randomUUID();
    const created = await post(
      '/organizations',
      {
        code: childCode('910425101'),
        name: '事件测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: BAIHUA,
        establishedOn: '2011-01-01',
      },
      correlationId,
    );
    expect(created.status).toBe(201);
    const member = await post('/members', {
      orgId: created.body.id,
      name: '事件党员',
      status: 'full',
      joinedOn: '2001-07-01',
      idNumber: '110101198001011234',
      phone: '13900001111',
    });
    expect(member.status).toBe(201);

    const registered = await waitUntil('OrganizationRegistered on the topic', () =>
      seen.find(
        (e) =>
          e.type === 'organization.OrganizationRegistered' && (e.data as { organizationId: string }).organizationId === created.body.id,
      ),
    );
    const joined = await waitUntil('MemberJoined on the topic', () =>
      seen.find((e) => e.type === 'organization.MemberJoined' && e.streamId === `member-${member.body.id}`),
    );

    expect(registered).toMatchObject({
      streamId: `organization-${created.body.id}`,
      streamVersion: 1,
      correlationId,
      orgId: created.body.id,
      actor: { orgId: demoOrgId('910425') },
    });
    expect(publicContracts.validate(registered).ok).toBe(true);
    expect(publicContracts.validate(joined).ok).toBe(true);
    expect(JSON.stringify(joined)).not.toContain('110101198001011234');
    expect(JSON.stringify(joined)).not.toContain('13900001111');
    const stamped = await waitUntil('the relay to stamp both rows published', async () => {
      const { rows } = await org.pool.query<{ n: number }>(
        `select count(*)::int as n from vanguard_outbox where published_at is not null and event_id = any($1::uuid[])`,
        [[registered.eventId, joined.eventId]],
      );
      return rows[0]?.n === 2 ? rows[0].n : undefined;
    });
    expect(stamped).toBe(2);
    expect(seen.filter((e) => e.eventId === registered.eventId)).toHaveLength(1);
  });

  it('a second service’s tree copy follows a move, and its scope checks follow with it', async () => {
    const a = await post('/organizations', {
      code: childCode('910425101'),
      name: '甲总支',
      level: 'village',
      kind: 'general_branch',
      sector: 'rural',
      parentId: BAIHUA,
      establishedOn: '2011-01-01',
    });
    const b = await post('/organizations', {
      code: childCode(a.body.code as string, 2),
      name: '乙支部',
      level: 'village',
      kind: 'branch',
      sector: 'rural',
      parentId: a.body.id,
      establishedOn: '2011-01-01',
    });
    await waitUntil('the copy to know the new branch', () => scope.isWithin({ orgId: BAIHUA }, b.body.id));

    const moved = await post(`/organizations/${a.body.id}/move`, { parentId: HEKOU_TOWN });
    expect(moved.status).toBe(204);

    await waitUntil('the copy to see the move', () => scope.isWithin({ orgId: HEKOU_TOWN }, b.body.id));
    expect(scope.isWithin({ orgId: BAIHUA }, b.body.id)).toBe(false);
    expect(scope.isWithin({ orgId: demoOrgId('910425') }, b.body.id)).toBe(true);
    expect(scope.isWithin({ orgId: demoOrgId('910426') }, b.body.id)).toBe(false);
    const { rows } = await copy.pool.query(`select path, code from org_tree where id = $1`, [b.body.id]);
    expect(rows[0].path).toBe(`/${[demoOrgId('91'), demoOrgId('9104'), demoOrgId('910425'), HEKOU_TOWN, a.body.id, b.body.id].join('/')}/`);
    expect(rows[0].code.startsWith('910425102')).toBe(true);
    const moves = seen.filter((e) => e.type === 'organization.OrganizationMoved' && e.streamId === `organization-${a.body.id}`);
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ streamVersion: 2, data: { previousParentId: BAIHUA, parentId: HEKOU_TOWN } });
  });
});
