import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/**
 * An organisation dated in the future took members and figures against a day not yet come; a contact point dated in the future could take no visit until that day (a visit falls between
 * establishment and today) and was listed "no visit in the last month" all the while (a hostile probe).
 */
describe('establishment days after today (e2e)', () => {
  let sut: INestApplication;
  let auth: { Authorization: string };
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    auth = { Authorization: `Bearer ${await tokenFor('county.organizer')}` };
  });
  afterAll(() => sut.close());

  it('answers 422 naming establishedOn to an organisation established after today, and stores none', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const code = childCode('910425101');

    const sent = { parentId: demoOrgId('910425101'), code, name: '明日村', level: 'village', kind: 'branch', sector: 'rural' };
    const res = await http()
      .post('/organizations')
      .set(auth)
      .send({ ...sent, establishedOn: tomorrow });

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'ORGANIZATION.ESTABLISHED_IN_FUTURE', errors: [{ field: 'establishedOn' }] });
    // Nothing was stored: the same code registers, dated today.
    const today = new Date().toISOString().slice(0, 10);
    const again = await http()
      .post('/organizations')
      .set(auth)
      .send({ ...sent, establishedOn: today });
    expect(again.status).toBe(201);
  });

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
