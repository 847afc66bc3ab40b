import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { addDays } from '../src/domain/shared/day';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { MembersHttpController } from '../src/interface/http/members.http.controller';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';

/**
 * ADR 0140: a leaving day may not precede the latest day of the member's history, on every path
 * that removes a member — the county's removal (test/county-roster.int, test/county-inbound.int)
 * and the console's `POST /members/:id/leave`, which leaves on today. For the console that bounds
 * it only by a line dated after today (written by a process whose clock ran ahead): refused by the
 * same rule, naming the day, and nothing of it applied.
 */
describe(`${MembersHttpController.name} leave`, () => {
  let sut: INestApplication;
  let db: Client;
  let auth: { Authorization: string };
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    auth = { Authorization: `Bearer ${await tokenFor('county.organizer')}` };
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    await db.query('set search_path to organization');
  });
  afterAll(async () => {
    await db?.end();
    await sut?.close();
  });

  it('leave_WhenTheHistoryRunsPastToday_Answers422NamingTheDay_AndTheMemberStays', async () => {
    const org = await http()
      .post('/organizations')
      .set(auth)
      .send({
        parentId: demoOrgId('910425101'),
        code: childCode('910425101'),
        name: '离开日期测试村',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2005-01-01',
      });
    expect(org.status).toBe(201);
    const enrolled = await http()
      .post('/members')
      .set(auth)
      .send({ orgId: org.body.id, name: '离开测试党员', status: 'full', joinedOn: '2001-07-01' });
    expect(enrolled.status).toBe(201);
    const memberId = enrolled.body.id as string;
    const tomorrow = addDays(new SystemClock().today(), 1);
    await db.query(
      `insert into member_history (member_id, on_day, kind, org_id, detail) values ($1, $2, 'post_granted', $3, 'pioneer_post')`,
      [memberId, tomorrow, org.body.id],
    );
    const before = (await http().get(`/members/${memberId}`).set(auth)).body;

    const res = await http().post(`/members/${memberId}/leave`).set(auth).send({ reason: '出党' });

    expect(res.status).toBe(422);
    expect(res.body.code).toBe('MEMBER.LEFT_ON_OUT_OF_RANGE');
    expect(JSON.stringify(res.body)).toContain(`history runs to ${tomorrow} (vanguard post granted)`);
    const after = (await http().get(`/members/${memberId}`).set(auth)).body;
    expect(after).toEqual(before);
    expect(after.membership).toBe('active');
    const { rows } = await db.query(
      `select count(*)::int as n from vanguard_outbox where stream_id = $1 and event_type = 'organization.MemberLeft'`,
      [`member-${memberId}`],
    );
    expect(rows[0].n).toBe(0);
  });
});
