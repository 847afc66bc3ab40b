import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { RealmUsers, passwordGrant } from '@vanguard/testing';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/**
 * ADR 0010 inside the organization service itself: a token naming a dissolved or merged
 * organisation grants no scope, and a merged organisation counts as below its survivor, as
 * every other service's ScopeService has it. Users whose `org_id` names a fresh village are
 * made in the platform realm (RealmUsers) and removed afterwards.
 */
describe('scope after an organisation ceases', () => {
  let app: INestApplication;
  const users = new RealmUsers();
  const http = () => request(app.getHttpServer());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const as = async (user: string) => bearer((await passwordGrant(user)).body.access_token!);

  /** A secretary of `orgId`, signed in now: the token keeps naming the organisation after it ceases. */
  const secretaryOf = (orgId: string): Promise<string> => users.signedIn(orgId, 'branch_secretary', '测试书记');

  const village = async (townshipCode: string, name: string): Promise<string> => {
    const res = await http()
      .post('/organizations')
      .set(await as('county.organizer'))
      .send({
        parentId: demoOrgId(townshipCode),
        code: childCode(townshipCode),
        name,
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2010-07-01',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    app = await createOrganizationTestApp();
  });
  afterAll(async () => {
    await users.removeAll();
    await app?.close();
  });

  it('a token naming a dissolved organisation reads and changes nothing, not even the organisation itself', async () => {
    const dissolved = await village('910425101', '撤销村');
    const token = await secretaryOf(dissolved);
    expect((await http().get(`/organizations/${dissolved}`).set(bearer(token))).status).toBe(200);

    expect(
      (
        await http()
          .post(`/organizations/${dissolved}/dissolve`)
          .set(await as('county.organizer'))
          .send({})
      ).status,
    ).toBe(204);

    const own = await http().get(`/organizations/${dissolved}`).set(bearer(token));
    const list = await http().get('/organizations').set(bearer(token));
    const members = await http().get('/members').set(bearer(token));
    const township = await http()
      .get(`/organizations/${dissolved}`)
      .set(await as('township.secretary'));
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
    expect(list.status).toBe(403);
    expect(members.status).toBe(403);
    // Those above it keep its history.
    expect(township.status).toBe(200);
  });

  it('a token naming a merged organisation loses its scope, and the merged organisation is seen from its survivor, no longer from its old parent', async () => {
    const merged = await village('910425102', '并入村');
    const survivor = await village('910425101', '存续村');
    const token = await secretaryOf(merged);
    const member = await http()
      .post('/members')
      .set(bearer(token))
      .send({ orgId: merged, name: '王五', status: 'full', joinedOn: '2001-07-01' });
    expect(member.status).toBe(201);

    const res = await http()
      .post(`/organizations/${merged}/merge`)
      .set(await as('county.organizer'))
      .send({ survivingOrganizationId: survivor });
    expect(res.status).toBeLessThan(300);

    const own = await http().get(`/organizations/${merged}`).set(bearer(token));
    const moved = await http().get(`/members/${member.body.id}`).set(bearer(token));
    const enrol = await http()
      .post('/members')
      .set(bearer(token))
      .send({ orgId: merged, name: '赵六', status: 'full', joinedOn: '2001-07-01' });
    const fromSurvivorSide = await http()
      .get(`/organizations/${merged}`)
      .set(await as('township.secretary'));
    const fromOldParent = await http()
      .get(`/organizations/${merged}`)
      .set(await as('other.township.secretary'));
    expect(own.status).toBe(403);
    expect(moved.status).toBe(404);
    expect(enrol.status).toBe(403);
    expect(fromSurvivorSide.status).toBe(200);
    expect(fromOldParent.status).toBe(403);
  });
});
