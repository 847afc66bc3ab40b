import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { RealmUsers, tokenFor } from '@vanguard/testing';
import { IdNumberReviewsHttpController } from '../src/interface/http/id-number-reviews.http.controller';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/**
 * ADR 0010 on the review list too: it read the token's `org_id` as it stood, so an organizer of a
 * dissolved organisation still read the flags and holds addressed to it (users, members elsewhere).
 */
describe(`${IdNumberReviewsHttpController.name} after the caller's organisation ceased`, () => {
  let app: INestApplication;
  const users = new RealmUsers();
  const http = () => request(app.getHttpServer());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    app = await createOrganizationTestApp();
  });
  afterAll(async () => {
    await users.removeAll();
    await app?.close();
  });

  it('answers 403 AUTH.OUT_OF_SCOPE to a token naming a dissolved organisation', async () => {
    const county = bearer(await tokenFor('county.organizer'));
    const village = await http()
      .post('/organizations')
      .set(county)
      .send({
        parentId: demoOrgId('910425101'),
        code: childCode('910425101'),
        name: '核查撤销村',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2010-07-01',
      });
    expect(village.status).toBe(201);
    const organizer = bearer(await users.signedIn(village.body.id, 'organizer', '测试组织员'));
    expect((await http().get('/id-number-reviews').set(organizer)).status).toBe(200);

    expect((await http().post(`/organizations/${village.body.id}/dissolve`).set(county).send({})).status).toBe(204);

    const res = await http().get('/id-number-reviews').set(organizer);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'AUTH.OUT_OF_SCOPE' });
    expect((await http().get('/id-number-reviews').set(county)).status).toBe(200);
  });
});
