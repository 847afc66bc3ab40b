import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { TRANSFER_ENDINGS } from '../src/domain/transfer/member-transfer.aggregate';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/**
 * A merge hands the absorbed organisation's side of every open transfer to the survivor, as it
 * hands over its members (ADR 0120): the transfer goes on from (or to) the survivor, and ends
 * when both sides are now the survivor. Before, an accepted transfer of a member the merge moved
 * could never be completed, rejected or replaced.
 */
describe('open transfers when an organisation merges', () => {
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
  /** A member of `from` with a transfer to `to`, accepted by the receiving township's secretary. */
  const acceptedTransfer = async (from: string, to: string) => {
    const member = await http()
      .post('/members')
      .set(await as('township.secretary'))
      .send({ orgId: from, name: '李四', status: 'full', joinedOn: '2001-07-01' });
    expect(member.status).toBe(201);
    const transfer = await http()
      .post('/transfers')
      .set(await as('county.organizer'))
      .send({ memberId: member.body.id, toOrgId: to });
    expect(transfer.status).toBe(201);
    const accepted = await http()
      .post(`/transfers/${transfer.body.id}/accept`)
      .set(await as('county.organizer'));
    expect(accepted.status).toBe(204);
    return { memberId: member.body.id as string, transferId: transfer.body.id as string };
  };
  const merge = async (id: string, into: string) => {
    const res = await http()
      .post(`/organizations/${id}/merge`)
      .set(await as('county.organizer'))
      .send({ survivingOrganizationId: into });
    expect(res.status).toBe(201);
  };
  const get = async (path: string): Promise<Record<string, unknown>> =>
    (
      await http()
        .get(path)
        .set(await as('county.organizer'))
    ).body as Record<string, unknown>;

  it('lets the receiver complete an accepted transfer from the survivor once the sender merged, moving the member', async () => {
    const sending = await village('910425101', '转出村');
    const survivor = await village('910425101', '合并后村');
    const receiving = await village('910425102', '接收村');
    const { memberId, transferId } = await acceptedTransfer(sending, receiving);
    await merge(sending, survivor);

    const res = await http()
      .post(`/transfers/${transferId}/complete`)
      .set(await as('other.township.secretary'));

    expect(res.status).toBe(204);
    expect(await get(`/transfers/${transferId}`)).toMatchObject({ status: 'completed', fromOrgId: survivor, toOrgId: receiving });
    expect((await get(`/members/${memberId}`)).orgId).toBe(receiving);
  });

  it('hands the receiving side to the survivor, which then decides', async () => {
    const sending = await village('910425101', '转出村');
    const receiving = await village('910425102', '接收村');
    const survivor = await village('910425102', '合并后村');
    const member = await http()
      .post('/members')
      .set(await as('township.secretary'))
      .send({ orgId: sending, name: '王五', status: 'full', joinedOn: '2001-07-01' });
    const transfer = await http()
      .post('/transfers')
      .set(await as('township.secretary'))
      .send({ memberId: member.body.id, toOrgId: receiving });
    await merge(receiving, survivor);

    const accepted = await http()
      .post(`/transfers/${transfer.body.id}/accept`)
      .set(await as('other.township.secretary'));

    expect(accepted.status).toBe(204);
    expect(await get(`/transfers/${transfer.body.id}`)).toMatchObject({ status: 'accepted', fromOrgId: sending, toOrgId: survivor });
  });

  it('ends the transfer when the sender merges into the receiver, with its reason, and a new one can be requested', async () => {
    const sending = await village('910425101', '转出村');
    const receiving = await village('910425101', '接收村');
    const elsewhere = await village('910425102', '另一村');
    const { memberId, transferId } = await acceptedTransfer(sending, receiving);
    await merge(sending, receiving);

    const ended = await get(`/transfers/${transferId}`);
    const completing = await http()
      .post(`/transfers/${transferId}/complete`)
      .set(await as('county.organizer'));
    const again = await http()
      .post('/transfers')
      .set(await as('county.organizer'))
      .send({ memberId, toOrgId: elsewhere });

    expect(ended).toMatchObject({ status: 'cancelled', reason: TRANSFER_ENDINGS.mergedIntoOne, cancelledOn: expect.any(String) });
    expect(completing.status).toBe(422);
    expect(completing.body.code).toBe('TRANSFER.INVALID_STATE');
    expect(again.status).toBe(201);
    expect((await get(`/members/${memberId}`)).orgId).toBe(receiving);
  });
});
