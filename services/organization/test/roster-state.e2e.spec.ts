import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { MEMBER_STATE_TOPIC, ORGANIZATION_STATE_TOPIC } from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import { claimsOf, tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { ensureCompactedStateTopics } from '../src/infrastructure/roster-state/roster-state-topics';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { followFromNow, testKafka, type FollowedTopics } from './support/roster-state';
import { randomIdNumber } from './support/id-numbers';

const BAIHUA = demoOrgId('910425101');
const HEKOU_TOWN = demoOrgId('910425102');

// ADR 0029, through the real service: commands over HTTP reach the real compacted state topics. The
// service runs on a schema of its own, so its publisher has only this suite's notes to send, not the
// backlog other suites' bulk imports leave in the shared test schema; the topics are followed from
// their ends at the start, not read from the beginning.
describe('roster state topics follow the commands', () => {
  let db: TestSchema;
  let sut: INestApplication;
  let token: string;
  let followed: FollowedTopics;
  const as = () => ({ Authorization: `Bearer ${token}` });
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('roster_state_e2e');
    const kafka = testKafka();
    await ensureCompactedStateTopics(kafka);
    followed = await followFromNow(kafka, [ORGANIZATION_STATE_TOPIC, MEMBER_STATE_TOPIC]);
    sut = await createOrganizationTestApp({ databaseUrl: db.url, schema: db.schema, relay: true });
    token = await tokenFor('county.organizer');
  }, 60_000);
  afterAll(async () => {
    await followed?.stop();
    await sut?.close();
    await db?.drop();
  });

  const village = async (parentId: string, parentCode: string) => {
    const res = await http()
      .post('/organizations')
      .set(as())
      .send({
        code: childCode(parentCode),
        name: '状态测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId,
        establishedOn: '2005-01-01',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const stateOf = (key: string) => followed.latest.get(key)?.data ?? undefined;

  it('publishes enrolment, role change, contact point, move, departure and dissolution, without the member’s personal data', async () => {
    const moved = await village(BAIHUA, '910425101');
    const dissolved = await village(BAIHUA, '910425101');
    const person = {
      name: `状态测试${randomUUID().slice(0, 4)}`,
      idNumber: randomIdNumber('110101'),
      phone: '13912345678',
    };
    const enrolled = await http()
      .post('/members')
      .set(as())
      .send({ orgId: moved, name: person.name, status: 'full', joinedOn: '2010-07-01', idNumber: person.idNumber, phone: person.phone });
    expect(enrolled.status).toBe(201);
    const member = enrolled.body.id as string;
    expect((await http().post(`/members/${member}/roles`).set(as()).send({ role: 'secretary' })).status).toBe(204);
    expect(
      (await http().post('/contact-points').set(as()).send({ orgId: moved, leaderName: '状态测试领导', establishedOn: '2011-01-01' }))
        .status,
    ).toBe(201);
    expect((await http().post(`/organizations/${moved}/move`).set(as()).send({ parentId: HEKOU_TOWN })).status).toBeLessThan(300);
    expect((await http().post(`/organizations/${dissolved}/dissolve`).set(as()).send({ reason: '状态测试' })).status).toBeLessThan(300);
    await waitUntil(
      'the member state with the role',
      () => (stateOf(`member-${member}`)?.['roles'] as string[] | undefined)?.includes('secretary'),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect((await http().post(`/members/${member}/leave`).set(as()).send({})).status).toBeLessThan(300);

    await waitUntil('the departure', () => stateOf(`member-${member}`)?.['membership'] === 'left', { timeoutMs: 60_000, intervalMs: 200 });
    await waitUntil(
      'the move and the contact point',
      () => {
        const s = stateOf(`organization-${moved}`);
        return (
          s?.['parentId'] === HEKOU_TOWN && (s['path'] as string[]).includes(HEKOU_TOWN) && (s['contactPoints'] as unknown[]).length === 1
        );
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    await waitUntil('the dissolution', () => stateOf(`organization-${dissolved}`)?.['status'] === 'dissolved', {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    expect(stateOf(`organization-${moved}`)?.['contactPoints']).toEqual([
      { contactPointId: expect.any(String), leaderId: claimsOf(token)['sub'] },
    ]);
    expect(stateOf(`member-${member}`)).toMatchObject({ orgId: moved, roles: ['secretary'], status: 'full' });
    for (const key of [`member-${member}`, `organization-${moved}`])
      for (const value of [person.name, person.idNumber, person.phone, '状态测试领导'])
        expect(followed.latest.get(key)?.raw).not.toContain(value);
  }, 240_000);

  it('publishes a probationary member made full from the console (预备党员转正, ADR 0154) as full', async () => {
    const orgId = await village(BAIHUA, '910425101');
    const enrolled = await http()
      .post('/members')
      .set(as())
      .send({ orgId, name: '转正状态测试', status: 'probationary', joinedOn: '2020-07-01' });
    expect(enrolled.status).toBe(201);
    const key = `member-${enrolled.body.id as string}`;
    await waitUntil('the probationary member', () => stateOf(key)?.['status'] === 'probationary', { timeoutMs: 60_000, intervalMs: 200 });

    expect(
      (
        await http()
          .post(`/members/${enrolled.body.id as string}/full`)
          .set(as())
          .send({ fullOn: '2021-07-01' })
      ).status,
    ).toBe(204);

    await waitUntil('the member state made full', () => stateOf(key)?.['status'] === 'full', { timeoutMs: 60_000, intervalMs: 200 });
  }, 180_000);
});
