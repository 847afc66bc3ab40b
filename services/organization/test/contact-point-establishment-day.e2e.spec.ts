import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { ContactPointsHttpController } from '../src/interface/http/contact-points.http.controller';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/**
 * A contact point dated in the future could take no visit until that day (a visit falls between
 * establishment and today) and was listed "no visit in the last month" all the while (a hostile probe).
 */
describe(`${ContactPointsHttpController.name}: the establishment day`, () => {
  let sut: INestApplication;
  let auth: { Authorization: string };
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    auth = { Authorization: `Bearer ${await tokenFor('county.organizer')}` };
  });
  afterAll(() => sut.close());

  it('answers 422 naming establishedOn to a contact point established after today, and stores none', async () => {
    const org = await http()
      .post('/organizations')
      .set(auth)
      .send({
        parentId: demoOrgId('910425101'),
        code: childCode('910425101'),
        name: '联系点日期测试村',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2005-01-01',
      });
    expect(org.status).toBe(201);
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

    const res = await http().post('/contact-points').set(auth).send({ orgId: org.body.id, leaderName: '李旗长', establishedOn: tomorrow });

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'CONTACT_POINT.ESTABLISHED_IN_FUTURE', errors: [{ field: 'establishedOn' }] });
    const listed = await http().get('/contact-points').query({ subtreeOf: org.body.id }).set(auth);
    expect(listed.body.items).toEqual([]);
  });
});
