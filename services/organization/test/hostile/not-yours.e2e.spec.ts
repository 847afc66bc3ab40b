import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { childCode, createOrganizationTestApp } from '../support/organization-test-app';

const HEKOU_TOWN = '910425102';
const BAIHUA_TOWN = '910425101';

/** An answer with what the caller sent (the id) and the request's own correlation id taken out. */
const shapeOf = (body: Record<string, unknown>, id: string) => ({
  ...body,
  correlationId: undefined,
  message: String(body['message']).replaceAll(id, '<id>'),
});

/**
 * A township secretary probing ids in another township: "not yours" must read exactly like
 * "not there", and no answer may name the organisation that holds the member.
 */
describe('not yours answers like not there', () => {
  let app: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  let member: string;
  let transfer: string;
  let contactPoint: string;
  let hekouVillages: string[];

  const village = async (town: string) => {
    const res = await http()
      .post('/organizations')
      .set(as('county.organizer'))
      .send({
        code: childCode(town),
        name: '范围测试村',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: demoOrgId(town),
        establishedOn: '2005-01-01',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    app = await createOrganizationTestApp();
    for (const u of ['admin.user', 'county.organizer', 'township.secretary', 'other.township.secretary']) tokens[u] = await tokenFor(u);
    hekouVillages = [await village(HEKOU_TOWN), await village(HEKOU_TOWN)];
    const m = await http()
      .post('/members')
      .set(as('other.township.secretary'))
      .send({ orgId: hekouVillages[0], name: '赵六', status: 'full', joinedOn: '2001-07-01' });
    member = m.body.id;
    const t = await http().post('/transfers').set(as('other.township.secretary')).send({ memberId: member, toOrgId: hekouVillages[1] });
    transfer = t.body.id;
    // In the other county (河口县), so the county organiser of 松岭旗, who may write contact points, does not hold it.
    const cp = await http()
      .post('/contact-points')
      .set(as('admin.user'))
      .send({ orgId: demoOrgId('910426'), leaderName: '县领导甲', establishedOn: '2020-01-01' });
    expect(cp.status).toBe(201);
    contactPoint = cp.body.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  type Probe = [string, (id: string) => request.Test, () => string];
  const probes: Probe[] = [
    ['GET /members/:id', (id) => http().get(`/members/${id}`), () => member],
    ['POST /members/:id/roles', (id) => http().post(`/members/${id}/roles`).send({ role: 'secretary' }), () => member],
    ['POST /members/:id/posts', (id) => http().post(`/members/${id}/posts`).send({ post: 'pioneer_post' }), () => member],
    ['POST /members/:id/leave', (id) => http().post(`/members/${id}/leave`).send({ reason: 'died' }), () => member],
    ['POST /members/:id/full', (id) => http().post(`/members/${id}/full`).send({ fullOn: '2002-07-01' }), () => member],
    [
      'POST /transfers',
      (id) =>
        http()
          .post('/transfers')
          .send({ memberId: id, toOrgId: demoOrgId(BAIHUA_TOWN) }),
      () => member,
    ],
    ['GET /transfers/:id', (id) => http().get(`/transfers/${id}`), () => transfer],
    ['POST /transfers/:id/accept', (id) => http().post(`/transfers/${id}/accept`), () => transfer],
    ['POST /transfers/:id/reject', (id) => http().post(`/transfers/${id}/reject`).send({ reason: '不接收' }), () => transfer],
    ['POST /transfers/:id/complete', (id) => http().post(`/transfers/${id}/complete`), () => transfer],
    ['GET /contact-points/:id', (id) => http().get(`/contact-points/${id}`), () => contactPoint],
    [
      'POST /contact-points/:id/visits',
      (id) => http().post(`/contact-points/${id}/visits`).send({ visitedOn: '2024-01-02', visited: '某户', solved: '某事' }),
      () => contactPoint,
    ],
  ];

  it.each(probes)('%s: someone else’s id and an unknown id get the same 404', async (_, call, existing) => {
    const unknown = randomUUID();
    // Contact points are kept by organisers: the county organiser of 松岭旗 probes one of 河口县.
    const caller = _.includes('contact-points') ? 'county.organizer' : 'township.secretary';

    const mine = await call(existing()).set(as(caller));
    const none = await call(unknown).set(as(caller));

    expect(mine.status).toBe(404);
    expect(shapeOf(mine.body, existing())).toEqual(shapeOf(none.body, unknown));
    for (const orgId of [...hekouVillages, demoOrgId('910426')]) expect(JSON.stringify(mine.body)).not.toContain(orgId);
  });

  it('the sending side, which can read the transfer, is refused acceptance without naming the receiving organisation', async () => {
    const [, receiving] = hekouVillages;
    const own = await village(BAIHUA_TOWN);
    const m = await http()
      .post('/members')
      .set(as('township.secretary'))
      .send({ orgId: own, name: '钱七', status: 'full', joinedOn: '2002-07-01' });
    const t = await http().post('/transfers').set(as('township.secretary')).send({ memberId: m.body.id, toOrgId: receiving });
    expect(t.status).toBe(201);

    const res = await http().post(`/transfers/${t.body.id}/accept`).set(as('township.secretary'));

    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
    expect(res.body.message).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});
