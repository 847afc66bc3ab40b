import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import request from 'supertest';
import {
  ENVELOPE_HEADERS,
  OrganizationMoved,
  OrganizationRegistered,
  deadLetterTopic,
  publicContracts,
  type EventEnvelope,
} from '@vanguard/contracts';
import { DEVELOPMENT_ORG_EVENT_KEY_ID, OrgEventSigner, ScopeService, createOrgTreeConsumer, migrateOrgTree } from '@vanguard/auth';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { ensureTopics, headerValue, migrateInbox, toKafkaMessage, type EventConsumer } from '@vanguard/messaging';
import { createTestSchema, startAtTheEnd, tapFromNow, testProducer, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import type { PoolClient } from 'pg';
import { OutboxRelayRunner } from '../src/infrastructure/outbox/outbox-relay.runner';
import { DEMO_REGION } from '../src/infrastructure/seed/demo-region';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { isolatedOrganizationSchema } from './support/isolated-schema';

const BAIHUA = demoOrgId('910425101');
const HEKOU_TOWN = demoOrgId('910425102');
const HEKOU_COUNTY = demoOrgId('910426');
const TOPIC = OrganizationRegistered.topic;

// The service with its relay on, in a schema of its own, publishing to the real topic; a
// second "service" keeps its copy of the tree from that topic with the libs/auth consumer.
describe(OutboxRelayRunner.name, () => {
  let org: TestSchema;
  let copy: TestSchema;
  let sut: INestApplication;
  let tap: Consumer;
  let treeConsumer: EventConsumer<PoolClient>;
  let dlqTap: Consumer;
  let forger: Producer;
  const scope = new ScopeService();
  const seen: EventEnvelope[] = [];
  const deadLettered: { eventId: string | undefined; consumer: string | undefined; error: string | undefined }[] = [];
  const metrics = new Registry();
  const treeGroup = `org-tree-copy-${randomUUID()}`;
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
    tap = await tapFromNow(kafka, [TOPIC], (message) => seen.push(JSON.parse(message.value!.toString()) as EventEnvelope), {
      groupPrefix: 'org-events-tap',
    });
    dlqTap = await tapFromNow(
      kafka,
      [deadLetterTopic(TOPIC)],
      (message) =>
        deadLettered.push({
          eventId: headerValue(message.headers, ENVELOPE_HEADERS.eventId),
          consumer: headerValue(message.headers, 'vg-dlq-consumer'),
          error: headerValue(message.headers, 'vg-dlq-error'),
        }),
      { groupPrefix: 'org-events-dlq-tap' },
    );
    forger = testProducer(kafka);
    await forger.connect();

    // The copy was bootstrapped above, so it follows the topic from its end (as the tap does)
    // rather than replaying every earlier suite's events.
    await startAtTheEnd(kafka, treeGroup, [TOPIC]);
    treeConsumer = createOrgTreeConsumer({ kafka, groupId: treeGroup, pool: copy.pool, scope, metrics });
    await treeConsumer.start();

    sut = await createOrganizationTestApp({ databaseUrl: org.url, schema: org.schema, relay: true });
    token = await tokenFor('county.organizer');
  });

  afterAll(async () => {
    await sut?.close();
    await treeConsumer?.stop();
    await tap?.disconnect();
    await dlqTap?.disconnect();
    await forger?.disconnect();
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
      idNumber: '110101198001011232',
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
    expect(JSON.stringify(joined)).not.toContain('110101198001011232');
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

  const treeRow = async (id: string) =>
    (
      await copy.pool.query<{ parent_id: string | null; code: string; path: string | null; status: string }>(
        `select parent_id, code, path, status from org_tree where id = $1`,
        [id],
      )
    ).rows[0];

  it('a forged OrganizationMoved on the real topic, unsigned or signed with another key, changes nothing and is dead-lettered', async () => {
    const before = await treeRow(HEKOU_COUNTY);
    expect(before).toBeDefined();
    const forged = (): EventEnvelope => {
      const at = new Date().toISOString();
      return {
        eventId: randomUUID(),
        type: OrganizationMoved.type,
        version: 1,
        streamId: `organization-${HEKOU_COUNTY}`,
        streamVersion: 1_000,
        occurredAt: at,
        recordedAt: at,
        actor: { sub: 'county-hekou', roles: ['county_system'], kind: 'service' },
        orgId: HEKOU_COUNTY,
        correlationId: randomUUID(),
        causationId: null,
        // 河口县 under 白桦镇: the whole county would fall into a township secretary's scope.
        data: {
          organizationId: HEKOU_COUNTY,
          parentId: BAIHUA,
          previousParentId: demoOrgId('9104'),
          parentCode: '910425101',
          code: '91042510126',
          previousCode: '910426',
          movedOn: '2024-01-01',
        },
      };
    };
    const unsigned = forged();
    const { privateKey } = generateKeyPairSync('ed25519');
    const wrongKey = new OrgEventSigner(privateKey, DEVELOPMENT_ORG_EVENT_KEY_ID).sign(forged());
    // The schema is valid: only the signature tells them apart from the service's own events.
    expect(publicContracts.validate(unsigned).ok).toBe(true);
    expect(publicContracts.validate(wrongKey).ok).toBe(true);
    await forger.send({ topic: TOPIC, messages: [toKafkaMessage(unsigned), toKafkaMessage(wrongKey)] });

    const refused = await waitUntil(
      'both forgeries on the dead-letter topic from the tree copy',
      () => {
        const mine = deadLettered.filter((d) => d.consumer === treeGroup && [unsigned.eventId, wrongKey.eventId].includes(d.eventId ?? ''));
        return mine.length === 2 ? mine : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(refused.find((d) => d.eventId === unsigned.eventId)?.error).toContain('unsigned');
    expect(refused.find((d) => d.eventId === wrongKey.eventId)?.error).toContain('bad-signature');
    expect(await treeRow(HEKOU_COUNTY)).toEqual(before);
    expect(scope.isWithin({ orgId: BAIHUA }, HEKOU_COUNTY)).toBe(false);
    const rejected = await metrics.getSingleMetric('vanguard_org_tree_rejected_total')!.get();
    const count = (reason: string) => rejected.values.find((v) => v.labels['reason'] === reason)?.value ?? 0;
    expect(count('unsigned')).toBeGreaterThanOrEqual(1);
    expect(count('bad-signature')).toBeGreaterThanOrEqual(1);
  });

  it('scope follows dissolution and merger: a dissolved organisation grants none, a merged one falls under its survivor', async () => {
    const register = async (parentCode: string, parentId: string, name: string) => {
      const res = await post('/organizations', {
        code: childCode(parentCode),
        name,
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId,
        establishedOn: '2011-01-01',
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const dissolved = await register('910425101', BAIHUA, '撤销支部');
    const merged = await register('910425101', BAIHUA, '被合并支部');
    const survivor = await register('910425102', HEKOU_TOWN, '存续支部');
    await waitUntil('the copy to know the three branches', () =>
      [dissolved, merged, survivor].every((id) => scope.isWithin({ orgId: id }, id)),
    );

    expect((await post(`/organizations/${dissolved}/dissolve`, { reason: '测试' })).status).toBe(204);
    expect((await post(`/organizations/${merged}/merge`, { survivingOrganizationId: survivor })).status).toBe(201);

    await waitUntil('the copy to see the dissolution', () => !scope.isWithin({ orgId: dissolved }, dissolved));
    await waitUntil('the copy to see the merger', () => scope.isWithin({ orgId: HEKOU_TOWN }, merged));
    // A token that still names a ceased organisation acts on nothing.
    expect(scope.isWithin({ orgId: merged }, merged)).toBe(false);
    // The dissolved branch's history stays with those above it; the merged one's goes with the survivor.
    expect(scope.isWithin({ orgId: BAIHUA }, dissolved)).toBe(true);
    expect(scope.isWithin({ orgId: survivor }, merged)).toBe(true);
    expect(scope.isWithin({ orgId: BAIHUA }, merged)).toBe(false);
    expect(scope.isWithin({ orgId: demoOrgId('910425') }, merged)).toBe(true);
    expect(await treeRow(dissolved)).toMatchObject({ status: 'dissolved' });
    expect(await treeRow(merged)).toMatchObject({ status: 'merged' });
    // A service restarting loads the same answers from its table.
    const reloaded = new ScopeService();
    await reloaded.load(copy.pool);
    expect(reloaded.isWithin({ orgId: survivor }, merged)).toBe(true);
    expect(reloaded.isWithin({ orgId: dissolved }, dissolved)).toBe(false);
  });
});
