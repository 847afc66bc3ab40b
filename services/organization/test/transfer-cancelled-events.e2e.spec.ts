import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { MemberTransferCancelled, publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/**
 * Every way a transfer ends without a decision writes exactly one MemberTransferCancelled to the
 * outbox, in the transaction that ends it, naming why (ADR 0129); a leave, dissolution or merge
 * that ends no transfer writes none. The county roster's removal: test/county-roster.int.spec.ts.
 */
describe(`${MemberTransferCancelled.type} in the outbox`, () => {
  let app: INestApplication;
  let db: Client;
  let auth: { Authorization: string };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createOrganizationTestApp();
    auth = { Authorization: `Bearer ${await tokenFor('county.organizer')}` };
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    await db.query('set search_path to organization');
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  const village = async (townshipCode = '910425101'): Promise<string> => {
    const res = await http()
      .post('/organizations')
      .set(auth)
      .send({
        parentId: demoOrgId(townshipCode),
        code: childCode(townshipCode),
        name: '转接终止事件测试村',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2010-07-01',
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const enrol = async (orgId: string): Promise<string> => {
    const res = await http().post('/members').set(auth).send({ orgId, name: '赵六', status: 'full', joinedOn: '2001-07-01' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const requestTransfer = async (memberId: string, toOrgId: string): Promise<string> => {
    const res = await http().post('/transfers').set(auth).send({ memberId, toOrgId });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** A member of a new village with a transfer requested to another. */
  const requested = async () => {
    const from = await village();
    const to = await village('910425102');
    const memberId = await enrol(from);
    return { from, to, memberId, transferId: await requestTransfer(memberId, to) };
  };
  /** The member's stream in the outbox, in its order. */
  const stream = async (memberId: string): Promise<EventEnvelope[]> =>
    (
      await db.query<{ envelope: EventEnvelope }>(
        `select envelope from vanguard_outbox where stream_id = $1 order by (envelope->>'streamVersion')::int`,
        [`member-${memberId}`],
      )
    ).rows.map((r) => r.envelope);
  const cancellations = async (memberId: string) => (await stream(memberId)).filter((e) => e.type === MemberTransferCancelled.type);
  const statusOf = async (transferId: string) =>
    ((await http().get(`/transfers/${transferId}`).set(auth)).body as { status: string }).status;

  it('a member who leaves: one, reason member_left, after MemberLeft on the member’s stream', async () => {
    const { from, to, memberId, transferId } = await requested();

    expect((await http().post(`/members/${memberId}/leave`).set(auth).send({ reason: '去世' })).status).toBe(204);

    const events = await stream(memberId);
    const cancelled = events.filter((e) => e.type === MemberTransferCancelled.type);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({
      version: 1,
      orgId: from,
      data: { transferId, memberId, fromOrgId: from, toOrgId: to, reason: 'member_left', cancelledOn: expect.any(String) },
    });
    expect(events.map((e) => e.type).slice(-2)).toEqual(['organization.MemberLeft', MemberTransferCancelled.type]);
    expect(publicContracts.validate(cancelled[0]).ok).toBe(true);
  });

  it('a member who leaves with no transfer open: none', async () => {
    const memberId = await enrol(await village());

    expect((await http().post(`/members/${memberId}/leave`).set(auth).send({})).status).toBe(204);

    expect(await cancellations(memberId)).toEqual([]);
    expect((await stream(memberId)).at(-1)?.type).toBe('organization.MemberLeft');
  });

  it('a receiver dissolved after accepting: one, reason receiver_dissolved; a decided transfer towards it: none', async () => {
    const { from, to, memberId, transferId } = await requested();
    expect((await http().post(`/transfers/${transferId}/accept`).set(auth)).status).toBe(204);
    const rejectedMember = await enrol(from);
    const rejected = await requestTransfer(rejectedMember, to);
    expect((await http().post(`/transfers/${rejected}/reject`).set(auth).send({ reason: '材料不全' })).status).toBe(204);

    expect((await http().post(`/organizations/${to}/dissolve`).set(auth).send({ reason: '撤并' })).status).toBe(204);

    const cancelled = await cancellations(memberId);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.data).toMatchObject({ transferId, fromOrgId: from, toOrgId: to, reason: 'receiver_dissolved' });
    expect(await cancellations(rejectedMember)).toEqual([]);
    expect(await statusOf(rejected)).toBe('rejected');
  });

  it('a dissolution with no transfer towards it: none', async () => {
    const { memberId } = await requested();
    const empty = await village('910425102');

    expect((await http().post(`/organizations/${empty}/dissolve`).set(auth).send({ reason: '撤并' })).status).toBe(204);

    expect(await cancellations(memberId)).toEqual([]);
  });

  it('a merge of the sender into the receiver: one, reason merged_into_one, both sides the survivor', async () => {
    const from = await village();
    const to = await village();
    const memberId = await enrol(from);
    const transferId = await requestTransfer(memberId, to);

    expect((await http().post(`/organizations/${from}/merge`).set(auth).send({ survivingOrganizationId: to })).status).toBe(201);

    const cancelled = await cancellations(memberId);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({
      orgId: to,
      data: { transferId, memberId, fromOrgId: to, toOrgId: to, reason: 'merged_into_one' },
    });
    expect(await statusOf(transferId)).toBe('cancelled');
  });

  it('a merge that only re-points a transfer: none, the transfer stays open with the survivor as its side', async () => {
    const { from, to, memberId, transferId } = await requested();
    const survivor = await village();

    expect((await http().post(`/organizations/${from}/merge`).set(auth).send({ survivingOrganizationId: survivor })).status).toBe(201);

    expect(await cancellations(memberId)).toEqual([]);
    expect((await http().get(`/transfers/${transferId}`).set(auth)).body).toMatchObject({
      status: 'requested',
      fromOrgId: survivor,
      toOrgId: to,
    });
  });

  it('ends once: a second ending finds the transfer closed and writes nothing', async () => {
    const { to, memberId, transferId } = await requested();
    expect((await http().post(`/transfers/${transferId}/accept`).set(auth)).status).toBe(204);
    expect((await http().post(`/members/${memberId}/leave`).set(auth).send({})).status).toBe(204);

    expect((await http().post(`/organizations/${to}/dissolve`).set(auth).send({ reason: '撤并' })).status).toBe(204);

    expect((await cancellations(memberId)).map((e) => (e.data as { reason: string }).reason)).toEqual(['member_left']);
  });
});
