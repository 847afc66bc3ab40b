import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { TRANSFER_ENDINGS } from '../src/domain/transfer/member-transfer.aggregate';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { everyPage } from './support/every-page';

/**
 * A transfer ends when what it was about goes away (ADR 0120): the member leaves, or the
 * receiving organisation is dissolved. Before, a departed member's transfer could still be
 * accepted, and one towards a dissolved organisation could be neither completed nor rejected.
 */
describe('transfers that end without a decision', () => {
  let app: INestApplication;
  let auth: { Authorization: string };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createOrganizationTestApp();
    auth = { Authorization: `Bearer ${await tokenFor('county.organizer')}` };
  });
  afterAll(async () => {
    await app?.close();
  });

  const village = async (townshipCode: string): Promise<string> => {
    const res = await http()
      .post('/organizations')
      .set(auth)
      .send({
        parentId: demoOrgId(townshipCode),
        code: childCode(townshipCode),
        name: '转接终止测试村',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2010-07-01',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const requested = async () => {
    const from = await village('910425101');
    const to = await village('910425102');
    const member = await http().post('/members').set(auth).send({ orgId: from, name: '赵六', status: 'full', joinedOn: '2001-07-01' });
    const transfer = await http().post('/transfers').set(auth).send({ memberId: member.body.id, toOrgId: to });
    expect(transfer.status).toBe(201);
    return { from, to, memberId: member.body.id as string, transferId: transfer.body.id as string };
  };
  const transfer = async (id: string) => (await http().get(`/transfers/${id}`).set(auth)).body as Record<string, unknown>;

  it('refuses a leaving or a dissolution whose reason carries a personal number (400 naming reason), and changes nothing', async () => {
    const { from, memberId, transferId } = await requested();

    const left = await http().post(`/members/${memberId}/leave`).set(auth).send({ reason: '迁出，联系138.0013.8000' });
    const dissolved = await http().post(`/organizations/${from}/dissolve`).set(auth).send({ reason: '户主张三一三八〇〇一三八〇〇〇四组' });

    for (const res of [left, dissolved]) {
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    }
    expect((await http().get(`/members/${memberId}`).set(auth)).body).toMatchObject({ membership: 'active' });
    expect(await transfer(transferId)).toMatchObject({ status: 'requested' });
  });

  it('ends the open transfer of a member who leaves, so it can no longer be accepted', async () => {
    const { memberId, transferId } = await requested();

    const left = await http().post(`/members/${memberId}/leave`).set(auth).send({ reason: '去世' });
    const accepting = await http().post(`/transfers/${transferId}/accept`).set(auth);

    expect(left.status).toBe(204);
    expect(await transfer(transferId)).toMatchObject({ status: 'cancelled', reason: TRANSFER_ENDINGS.memberLeft });
    expect(accepting.status).toBe(422);
    expect(accepting.body.code).toBe('TRANSFER.INVALID_STATE');
  });

  it('ends an accepted transfer when its receiver is dissolved, and lets the member be transferred elsewhere', async () => {
    const { to, memberId, transferId } = await requested();
    expect((await http().post(`/transfers/${transferId}/accept`).set(auth)).status).toBe(204);

    const dissolved = await http().post(`/organizations/${to}/dissolve`).set(auth).send({ reason: '撤并' });
    const elsewhere = await village('910425102');
    const again = await http().post('/transfers').set(auth).send({ memberId, toOrgId: elsewhere });

    expect(dissolved.status).toBe(204);
    expect(await transfer(transferId)).toMatchObject({ status: 'cancelled', reason: TRANSFER_ENDINGS.receiverDissolved });
    expect(again.status).toBe(201);
  });

  it('lists ended transfers by their status', async () => {
    const { from, memberId, transferId } = await requested();
    await http().post(`/members/${memberId}/leave`).set(auth).send({});

    const listed = await everyPage<{ id: string; status: string }>(app, '/transfers', { status: 'cancelled', subtreeOf: from }, auth);

    expect(listed.map((t) => t.id)).toContain(transferId);
    expect(listed.every((t) => t.status === 'cancelled')).toBe(true);
  });
});
