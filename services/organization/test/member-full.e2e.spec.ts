import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { EventEnvelope } from '@vanguard/contracts';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { latestJoiningDayWithAnniversaryBy } from '../src/domain/member/probation';
import { addDays, anniversary } from '../src/domain/shared/day';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { MembersHttpController } from '../src/interface/http/members.http.controller';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

const BAIHUA = demoOrgId('910425101');

/**
 * 预备党员转正 over HTTP (ADR 0154): `POST /members/:id/full` makes a probationary member full from
 * the day his probation ended, a year after joining or at the end of an extension; a refusal
 * leaves him, his history and the outbox as they were.
 */
describe(`${MembersHttpController.name} full`, () => {
  let sut: INestApplication;
  let db: Client;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    for (const u of ['county.organizer', 'other.township.secretary', 'province.auditor']) tokens[u] = await tokenFor(u);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    await db.query('set search_path to organization');
  });
  afterAll(async () => {
    await db?.end();
    await sut?.close();
  });

  const enrol = async (status: string, joinedOn: string, name = '转正测试党员') => {
    const org = await http()
      .post('/organizations')
      .set(as('county.organizer'))
      .send({
        parentId: BAIHUA,
        code: childCode('910425101'),
        name: '转正测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2005-01-01',
      });
    expect(org.status).toBe(201);
    return http().post('/members').set(as('county.organizer')).send({ orgId: org.body.id, name, status, joinedOn });
  };
  const stored = async (id: string) => {
    const member = (await http().get(`/members/${id}`).set(as('county.organizer'))).body;
    const { rows } = await db.query(`select count(*)::int as n from vanguard_outbox where stream_id = $1`, [`member-${id}`]);
    return { member, outbox: rows[0].n as number };
  };
  const full = (id: string, body: object, user = 'county.organizer') => http().post(`/members/${id}/full`).set(as(user)).send(body);

  it('full_OnTheFirstAnniversary_Answers204_AndTheMemberIsFullWithALineOfThatDay; again 409', async () => {
    const enrolled = await enrol('probationary', '2024-03-10');
    const id = enrolled.body.id as string;
    const before = await stored(id);

    const res = await full(id, { fullOn: '2025-03-10' });
    const again = await full(id, { fullOn: '2025-03-11' });

    expect(res.status).toBe(204);
    const after = await stored(id);
    expect(after.member.status).toBe('full');
    expect(after.member.history).toEqual([
      expect.objectContaining({ on: '2024-03-10', kind: 'joined' }),
      { on: '2025-03-10', kind: 'became_full', orgId: enrolled.body.orgId, detail: null },
    ]);
    // ADR 0155: one MemberBecameFull, in the member's transaction, for his county's decision topic.
    expect(after.outbox).toBe(before.outbox + 1);
    const { rows } = await db.query<{ envelope: EventEnvelope }>(
      `select envelope from vanguard_outbox where stream_id = $1 and event_type = 'organization.MemberBecameFull'`,
      [`member-${id}`],
    );
    expect(rows.map((r) => [r.envelope.orgId, r.envelope.data])).toEqual([
      [enrolled.body.orgId, { memberId: id, orgId: enrolled.body.orgId, fullOn: '2025-03-10' }],
    ]);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MEMBER.ALREADY_FULL');
    expect((await stored(id)).member).toEqual(after.member);
  });

  it('full_BeforeTheAnniversary_AfterTheSecond_OrAfterToday_Answers422NamingTheRule_AndChangesNothing', async () => {
    const today = new SystemClock().today();
    const recent = (await enrol('probationary', anniversary(today, -1))).body.id as string;
    const old = (await enrol('probationary', '2020-05-20')).body.id as string;
    const before = [await stored(recent), await stored(old)];

    const early = await full(old, { fullOn: '2021-05-19' });
    const late = await full(old, { fullOn: '2022-05-21' });
    const future = await full(recent, { fullOn: addDays(today, 1) });

    expect([early.status, early.body.code]).toEqual([422, 'MEMBER.FULL_BEFORE_PROBATION_ENDS']);
    expect(early.body.message).toContain('2021-05-20');
    expect([late.status, late.body.code]).toEqual([422, 'MEMBER.PROBATION_OVERRUN']);
    expect([future.status, future.body.code]).toEqual([422, 'MEMBER.FULL_IN_FUTURE']);
    expect([await stored(recent), await stored(old)]).toEqual(before);
  });

  it('full_WithoutADayOrWithAnImpossibleOne_Answers400NamingFullOn', async () => {
    const id = (await enrol('probationary', '2020-05-20')).body.id as string;

    for (const [body, field] of [
      [{}, 'fullOn'],
      [{ fullOn: '2021-02-30' }, 'fullOn'],
      [{ fullOn: 20210520 }, 'fullOn'],
      [{ fullOn: '2021-05-20', status: 'full' }, 'status'],
    ] as const) {
      const res = await full(id, body);
      expect([body, res.status, JSON.stringify(res.body)]).toEqual([body, 400, expect.stringContaining(field)]);
    }
    expect((await stored(id)).member.status).toBe('probationary');
  });

  it('full_ByAnotherTownshipsSecretary_Answers404_AndByTheAuditor403, the member unchanged', async () => {
    const id = (await enrol('probationary', '2020-05-20')).body.id as string;

    const other = await full(id, { fullOn: '2021-05-20' }, 'other.township.secretary');
    const auditor = await full(id, { fullOn: '2021-05-20' }, 'province.auditor');

    expect([other.status, other.body.code]).toEqual([404, 'MEMBER.NOT_FOUND']);
    expect(auditor.status).toBe(403);
    expect((await stored(id)).member.status).toBe('probationary');
  });

  it('list_ByProbationStanding_FindsThoseDueFor转正AndThoseOverdue, and refuses an unknown standing naming probation', async () => {
    const today = new SystemClock().today();
    const org = (await enrol('probationary', addDays(today, -100), '转正名单在期内')).body.orgId as string;
    const add = async (status: string, joinedOn: string, name: string) =>
      (await http().post('/members').set(as('county.organizer')).send({ orgId: org, name, status, joinedOn })).body.id as string;
    // The edges of each range, as the rules put them (probation.unit.spec holds those to the rules).
    const firstDue = latestJoiningDayWithAnniversaryBy(today, 1);
    const lastOverdue = latestJoiningDayWithAnniversaryBy(addDays(today, -1), 2);
    const due = [
      await add('probationary', addDays(today, -400), '转正名单期满'),
      await add('probationary', firstDue, '转正名单刚满一年'),
      await add('probationary', addDays(lastOverdue, 1), '转正名单延长期末日'),
    ].sort();
    await add('probationary', addDays(firstDue, 1), '转正名单差一天');
    const overdue = [
      await add('probationary', addDays(today, -800), '转正名单逾期'),
      await add('probationary', lastOverdue, '转正名单刚逾期'),
    ].sort();
    await add('full', '2010-07-01', '转正名单正式');
    const list = async (query: string) => {
      const res = await http().get(`/members?subtreeOf=${org}&${query}`).set(as('county.organizer'));
      expect([query, res.status]).toEqual([query, 200]);
      return (res.body.items as { id: string }[]).map((m) => m.id);
    };

    expect(await list('probation=due')).toEqual(due);
    expect(await list('probation=overdue')).toEqual(overdue);
    expect(await list('probation=due&status=full')).toEqual([]);
    expect(await list('probation=overdue&membership=left')).toEqual([]);
    expect((await list('status=probationary')).length).toBe(7);
    const bad = await http().get(`/members?subtreeOf=${org}&probation=soon`).set(as('county.organizer'));
    expect([bad.status, JSON.stringify(bad.body)]).toEqual([400, expect.stringContaining('probation')]);
  });

  it('enrol_AsFullWithinTheFirstYear_Answers422NamingTheDayProbationEnds, and nothing is stored', async () => {
    const joinedOn = addDays(anniversary(new SystemClock().today(), -1), 1);
    const res = await enrol('full', joinedOn, '转正测试未满一年');

    expect([res.status, res.body.code]).toEqual([422, 'MEMBER.FULL_BEFORE_PROBATION_ENDS']);
    expect(res.body.message).toContain(anniversary(joinedOn, 1));
    expect(res.body.message).toContain(joinedOn);
    const { rows } = await db.query(`select count(*)::int as n from members where name = '转正测试未满一年'`);
    expect(rows[0].n).toBe(0);
  });
});
