import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/**
 * After a merge moves a member into the surviving organisation, an accepted transfer that the
 * merged-away organisation requested must not let the receiver pull the member out of the survivor.
 */
describe('completing a transfer after the sending organisation merged away', () => {
  let app: INestApplication;
  const as = async (user: string) => ({ Authorization: `Bearer ${await tokenFor(user)}` });
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createOrganizationTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

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

  it('answers 422 with the named rule and leaves the member in the survivor', async () => {
    const sending = await village('910425101', '转出村');
    const survivor = await village('910425101', '合并后村');
    const receiving = await village('910425102', '接收村');
    const member = await http()
      .post('/members')
      .set(await as('township.secretary'))
      .send({ orgId: sending, name: '李四', status: 'full', joinedOn: '2001-07-01' });
    expect(member.status).toBe(201);
    const transfer = await http()
      .post('/transfers')
      .set(await as('township.secretary'))
      .send({ memberId: member.body.id, toOrgId: receiving });
    expect(transfer.status).toBe(201);
    expect(
      (
        await http()
          .post(`/transfers/${transfer.body.id}/accept`)
          .set(await as('other.township.secretary'))
      ).status,
    ).toBe(204);
    const merged = await http()
      .post(`/organizations/${sending}/merge`)
      .set(await as('county.organizer'))
      .send({ survivingOrganizationId: survivor });
    expect(merged.status).toBeLessThan(300);

    const res = await http()
      .post(`/transfers/${transfer.body.id}/complete`)
      .set(await as('other.township.secretary'));
    const after = await http()
      .get(`/members/${member.body.id}`)
      .set(await as('county.organizer'));

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'TRANSFER.MEMBER_NO_LONGER_IN_SENDING_ORGANIZATION' });
    expect(after.body.orgId).toBe(survivor);
  });
});
