import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { ContactPointsHttpController } from '../src/interface/http/contact-points.http.controller';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/** A contact point of a dissolved organisation takes no more visits: there is no one there to visit. */
describe(`${ContactPointsHttpController.name} after its organisation ceased`, () => {
  let sut: INestApplication;
  let auth: { Authorization: string };
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    auth = { Authorization: `Bearer ${await tokenFor('county.organizer')}` };
  });
  afterAll(() => sut.close());

  it('answers 422 to a visit at the contact point of a dissolved organisation and stores none', async () => {
    const org = await http()
      .post('/organizations')
      .set(auth)
      .send({
        parentId: demoOrgId('910425101'),
        code: childCode('910425101'),
        name: '联系点撤销测试村',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2005-01-01',
      });
    const cp = await http()
      .post('/contact-points')
      .set(auth)
      .send({ orgId: org.body.id, leaderName: '李旗长', establishedOn: '2011-01-01' });
    expect(cp.status).toBe(201);
    expect((await http().post(`/organizations/${org.body.id}/dissolve`).set(auth).send({ reason: '撤并' })).status).toBe(204);

    const res = await http()
      .post(`/contact-points/${cp.body.id}/visits`)
      .set(auth)
      .send({ visitedOn: new Date().toISOString().slice(0, 10), visited: '困难户王某', solved: '协调修缮住房' });

    expect(res.status).toBe(422);
    expect(res.body.code).toBe('ORGANIZATION.NOT_ACTIVE');
    expect((await http().get(`/contact-points/${cp.body.id}`).set(auth)).body).toMatchObject({ visitCount: 0, visits: [] });
  });
});
