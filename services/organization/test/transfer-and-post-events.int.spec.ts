import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import request from 'supertest';
import { MemberTransferAccepted, publicContracts, upcastOrganizationEvent, type EventEnvelope } from '@vanguard/contracts';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { tapFromNow, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { OutboxRelayRunner } from '../src/infrastructure/outbox/outbox-relay.runner';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { isolatedOrganizationSchema } from './support/isolated-schema';

const BAIHUA = demoOrgId('910425101');
const TOPIC = MemberTransferAccepted.topic;

// The decision on a transfer, its ending without one and 亮牌示范 reach the topic through the
// outbox, in the command's transaction, like every other organisation change; organisation events carry
// orgId beside the deprecated organizationId (ADR 0012).
describe(`${OutboxRelayRunner.name} (transfer decisions and endings, vanguard posts, orgId)`, () => {
  let org: TestSchema;
  let sut: INestApplication;
  let tap: Consumer;
  const seen: EventEnvelope[] = [];
  const kafka = new Kafka({ clientId: 'org-transfer-events-int', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  let token: string;

  beforeAll(async () => {
    org = await isolatedOrganizationSchema('org_transfer_events');
    await ensureTopics(kafka, [TOPIC]);
    tap = await tapFromNow(kafka, [TOPIC], (message) => seen.push(JSON.parse(message.value!.toString()) as EventEnvelope), {
      groupPrefix: 'org-transfer-events-tap',
    });
    sut = await createOrganizationTestApp({ databaseUrl: org.url, schema: org.schema, relay: true });
    token = await tokenFor('county.organizer');
  });

  afterAll(async () => {
    await sut?.close();
    await tap?.disconnect();
    await org?.drop();
  });

  const post = (path: string, body: object) => request(sut.getHttpServer()).post(path).set('Authorization', `Bearer ${token}`).send(body);
  const branch = async (name: string) => {
    const res = await post('/organizations', {
      code: childCode('910425101'),
      name,
      level: 'village',
      kind: 'branch',
      sector: 'rural',
      parentId: BAIHUA,
      establishedOn: '2011-01-01',
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const enrol = async (orgId: string, name: string) => {
    const res = await post('/members', { orgId, name, status: 'full', joinedOn: '2001-07-01' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const onTopic = (type: string, streamId: string) =>
    waitUntil(`${type} on ${streamId}`, () => seen.find((e) => e.type === `organization.${type}` && e.streamId === streamId));

  it('publishes MemberTransferAccepted and MemberTransferRejected on the member’s stream, after the request', async () => {
    const from = await branch('转出支部');
    const to = await branch('转入支部');
    const accepted = await enrol(from, '接收党员');
    const rejected = await enrol(from, '拒收党员');
    const t1 = await post('/transfers', { memberId: accepted, toOrgId: to });
    const t2 = await post('/transfers', { memberId: rejected, toOrgId: to });
    expect([t1.status, t2.status]).toEqual([201, 201]);

    expect((await post(`/transfers/${t1.body.id}/accept`, {})).status).toBe(204);
    const withPhone = await post(`/transfers/${t2.body.id}/reject`, { reason: '请联系 139 1234 5678' });
    expect({ status: withPhone.status, names: JSON.stringify(withPhone.body).includes('reason') }).toEqual({ status: 400, names: true });
    expect((await post(`/transfers/${t2.body.id}/reject`, { reason: '材料不全' })).status).toBe(204);

    const acceptedEvent = await onTopic('MemberTransferAccepted', `member-${accepted}`);
    const rejectedEvent = await onTopic('MemberTransferRejected', `member-${rejected}`);
    const requestedEvent = await onTopic('MemberTransferRequested', `member-${accepted}`);
    expect(acceptedEvent).toMatchObject({
      orgId: from,
      data: { transferId: t1.body.id, memberId: accepted, fromOrgId: from, toOrgId: to },
    });
    expect(acceptedEvent.streamVersion).toBe(requestedEvent.streamVersion + 1);
    expect(rejectedEvent).toMatchObject({ version: 2, data: { transferId: t2.body.id, fromOrgId: from, toOrgId: to, reason: '材料不全' } });
    expect(publicContracts.validate(acceptedEvent).ok).toBe(true);
    expect(publicContracts.validate(rejectedEvent).ok).toBe(true);
  });

  it('publishes MemberTransferCancelled on the member’s stream when the member leaves, after MemberLeft', async () => {
    const from = await branch('终止转出支部');
    const to = await branch('终止转入支部');
    const member = await enrol(from, '离开党员');
    const t = await post('/transfers', { memberId: member, toOrgId: to });
    expect(t.status).toBe(201);

    expect((await post(`/members/${member}/leave`, { reason: '去世' })).status).toBe(204);

    const cancelled = await onTopic('MemberTransferCancelled', `member-${member}`);
    const left = await onTopic('MemberLeft', `member-${member}`);
    expect(cancelled).toMatchObject({
      version: 1,
      orgId: from,
      data: { transferId: t.body.id, memberId: member, fromOrgId: from, toOrgId: to, reason: 'member_left' },
    });
    expect(cancelled.streamVersion).toBe(left.streamVersion + 1);
    expect(publicContracts.validate(cancelled).ok).toBe(true);
  });

  it('publishes VanguardPostGranted once, not again for a post already held', async () => {
    const member = await enrol(await branch('先锋岗支部'), '先锋党员');
    expect((await post(`/members/${member}/posts`, { post: 'pioneer_post' })).status).toBe(204);
    expect((await post(`/members/${member}/posts`, { post: 'pioneer_post' })).status).toBe(204);
    expect((await post(`/members/${member}/posts`, { post: 'model_household' })).status).toBe(204);

    const household = await waitUntil('the second post on the topic', () =>
      seen.find((e) => e.type === 'organization.VanguardPostGranted' && (e.data as { post: string }).post === 'model_household'),
    );
    const granted = seen.filter((e) => e.type === 'organization.VanguardPostGranted' && e.streamId === `member-${member}`);
    expect(granted.map((e) => (e.data as { post: string }).post)).toEqual(['pioneer_post', 'model_household']);
    expect(household.streamId).toBe(`member-${member}`);
    expect(publicContracts.validate(household).ok).toBe(true);
  });

  it('organisation events carry orgId beside organizationId, and upcast to v2', async () => {
    const id = await branch('别名支部');
    const registered = await onTopic('OrganizationRegistered', `organization-${id}`);
    expect(registered).toMatchObject({ version: 1, data: { organizationId: id, orgId: id } });
    expect(publicContracts.validate(registered).ok).toBe(true);
    const v2 = upcastOrganizationEvent(registered);
    expect(v2.data).not.toHaveProperty('organizationId');
    expect(publicContracts.validate(v2).ok).toBe(true);
  });
});
