import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { MembersHttpController } from '../src/interface/http/members.http.controller';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { everyPage } from './support/every-page';
import { randomIdNumber, withCheckDigit } from './support/id-numbers';
import { PERSONAL_DATA_CIPHER, type PersonalDataCipher } from '../src/application/ports/personal-data-cipher.port';

/** The check digit a first seventeen would get, computed by the tests' own code. */
const withCheckDigitOf = (first17: string): string => withCheckDigit(first17).slice(17);

const BAIHUA = demoOrgId('910425101');
const HEKOU_TOWN = demoOrgId('910425102');

describe(MembersHttpController.name, () => {
  let sut: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    for (const u of ['county.organizer', 'township.secretary', 'other.township.secretary', 'province.auditor'])
      tokens[u] = await tokenFor(u);
  });
  afterAll(() => sut.close());

  const newVillage = async (parentId: string, parentCode: string): Promise<string> => {
    const res = await http()
      .post('/organizations')
      .set(as('county.organizer'))
      .send({
        code: childCode(parentCode),
        name: '测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId,
        establishedOn: '2005-01-01',
      });
    return res.body.id as string;
  };
  const idNumber = () => randomIdNumber('110101');
  /** One whose check digit is a digit: an `X` fails a phone's shape before it is judged an ID number (one in eleven drawn). */
  const idNumberOfDigits = (): string => {
    for (;;) {
      const id = idNumber();
      if (!id.endsWith('X')) return id;
    }
  };

  describe('members', () => {
    it('enrols a member whose ID number and phone are encrypted at rest and shown masked', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const id = idNumber();

      const res = await http()
        .post('/members')
        .set(as('township.secretary'))
        .send({
          orgId,
          name: '张红梅',
          status: 'probationary',
          joinedOn: '2010-07-01',
          roles: ['committee_member'],
          posts: ['pioneer_post'],
          idNumber: id,
          phone: '13800005678',
        });

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        orgId,
        status: 'probationary',
        roles: ['committee_member'],
        posts: ['pioneer_post'],
        phoneMasked: '138****5678',
      });
      expect(res.body.idNumberMasked).toBe(`${id.slice(0, 4)}**********${id.slice(14)}`);
      const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
      await db.connect();
      const { rows } = await db.query(`select id_number_enc, phone_enc from organization.members where id = $1`, [res.body.id]);
      const outbox = await db.query(`select envelope::text as e from organization.vanguard_outbox where stream_id = $1`, [
        `member-${res.body.id}`,
      ]);
      await db.end();
      expect(rows[0].id_number_enc).toMatch(/^v2\.d[0-9A-Za-z_-]*\./); // key id after the version
      expect(rows[0].id_number_enc).not.toContain(id);
      expect(rows[0].phone_enc).not.toContain('13800005678');
      expect(outbox.rows.map((r) => (JSON.parse(r.e as string) as { type: string }).type)).toEqual(['organization.MemberJoined']);
      expect(outbox.rows[0].e).not.toContain(id);
      expect(outbox.rows[0].e).not.toContain('13800005678');
    });

    it('answers 409 to a second active member with the same ID number', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const id = idNumber();
      const first = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId, name: '甲', status: 'full', joinedOn: '1990-07-01', idNumber: id });
      const again = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId, name: '乙', status: 'full', joinedOn: '1990-07-01', idNumber: id });

      expect(first.status).toBe(201);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('MEMBER.ID_NUMBER_TAKEN');
    });

    it('answers 400 naming the field to a name, or a visit note, carrying an ID-card or phone number (each is published in clear)', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const enrol = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId, name: '测 110101199003071234', status: 'full', joinedOn: '1990-07-01' });
      expect([enrol.status, enrol.body.errors?.[0]?.field]).toEqual([400, 'name']);
      const cp = await http()
        .post('/contact-points')
        .set(as('county.organizer'))
        .send({ orgId, leaderName: '李旗长', establishedOn: '2011-01-01' });
      const visit = await http()
        .post(`/contact-points/${cp.body.id}/visits`)
        .set(as('county.organizer'))
        .send({ visitedOn: '2011-02-01', visited: '王某家', solved: '联系电话13812345678' });
      expect([visit.status, visit.body.errors?.[0]?.field]).toEqual([400, 'solved']);
    });

    it('assigns a role once; the second time is a 409', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const m = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId, name: '刘书记', status: 'full', joinedOn: '1990-07-01' });

      const first = await http().post(`/members/${m.body.id}/roles`).set(as('county.organizer')).send({ role: 'secretary' });
      const again = await http().post(`/members/${m.body.id}/roles`).set(as('county.organizer')).send({ role: 'secretary' });

      expect(first.status).toBe(204);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('MEMBER.ROLE_ALREADY_HELD');
    });

    it('answers another township’s secretary reading or changing the member as if it did not exist (404)', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const m = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId, name: '赵某', status: 'full', joinedOn: '1990-07-01' });

      const read = await http().get(`/members/${m.body.id}`).set(as('other.township.secretary'));
      const write = await http().post(`/members/${m.body.id}/roles`).set(as('other.township.secretary')).send({ role: 'party_worker' });

      expect(read.status).toBe(404);
      expect(write.status).toBe(404);
      expect(read.body).toMatchObject({ code: 'MEMBER.NOT_FOUND' });
    });

    it('answers 400 naming the bad fields of a member', async () => {
      const res = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: BAIHUA, name: 'x', status: 'maybe', joinedOn: 'yesterday', roles: ['king'], idNumber: '12' });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['status', 'joinedOn', 'roles', 'idNumber']),
      );
    });

    it('answers 400 naming a query parameter the route does not take, where it answered today’s record as if it had applied (ADR 0152)', async () => {
      const m = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: BAIHUA, name: '钱某', status: 'full', joinedOn: '1990-07-01' });
      expect(m.status).toBe(201);
      const asOf = await http().get(`/members/${m.body.id}`).query({ asOf: '2020-01-01' }).set(as('county.organizer'));
      expect([asOf.status, asOf.body.errors]).toEqual([400, [{ field: 'asOf', reason: expect.stringContaining('it takes none') }]]);
      await http().get(`/members/${m.body.id}`).set(as('county.organizer')).expect(200);
      await http().get(`/members/${m.body.id}`).query({ asOf: '2020-01-01' }).expect(401);
    });

    it('reads back, exports and moves on a member whose number was stored before the check digit was asked (ADR 0148)', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const res = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId, name: '旧号码', status: 'full', joinedOn: '2001-07-01', idNumber: idNumber(), phone: '13800001234' });
      expect(res.status).toBe(201);
      // As an earlier release stored it: the right shape, a check digit that does not match.
      const old = `1101011990${String(Date.now() % 1e7).padStart(7, '0')}`;
      const stored = old + (withCheckDigitOf(old) === '0' ? '1' : '0');
      const cipher = sut.get<PersonalDataCipher>(PERSONAL_DATA_CIPHER);
      const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
      await db.connect();
      await db.query(`update organization.members set id_number_enc = $2, id_number_hash = $3 where id = $1`, [
        res.body.id,
        cipher.encrypt(stored),
        cipher.blindIndex(stored),
      ]);
      await db.end();

      const read = await http().get(`/members/${res.body.id}`).set(as('county.organizer'));
      const exported = await http()
        .get('/exports/members')
        .query({ format: 'csv', subtreeOf: orgId })
        .set(as('county.organizer'))
        .buffer(true);
      const role = await http().post(`/members/${res.body.id}/roles`).set(as('county.organizer')).send({ role: 'party_worker' });

      expect(read.status).toBe(200);
      expect(read.body.idNumberMasked).toBe(`${stored.slice(0, 4)}**********${stored.slice(14)}`);
      expect(exported.status).toBe(200);
      expect(exported.text).toContain(stored);
      expect(role.status).toBe(204);
    });

    it('answers 400 naming idNumber and why for a number with one digit mistyped, and enrols no one', async () => {
      const valid = idNumber();
      const typo = valid.slice(0, 16) + String((Number(valid[16]) + 1) % 10) + valid[17];
      const name = `校验位${Date.now()}`;
      const res = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: BAIHUA, name, status: 'full', joinedOn: '1990-07-01', idNumber: typo });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'idNumber', reason: expect.stringContaining('check digit does not match') }]);
      expect(res.body.message).toContain('invalid request: idNumber: 身份证号校验位不符');
      const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
      await db.connect();
      const { rows } = await db.query(`select count(*)::int as n from organization.members where name = $1`, [name]);
      await db.end();
      expect(rows).toEqual([{ n: 0 }]);
    });

    it('answers 400 naming phone to an ID number given as the phone, and enrols no one', async () => {
      const name = `电话${Date.now()}`;
      const res = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: BAIHUA, name, status: 'full', joinedOn: '1990-07-01', phone: idNumberOfDigits() });
      expect([res.status, res.body.errors]).toEqual([
        400,
        [
          {
            field: 'phone',
            reason: '电话号码是一个身份证号，请核对是否填错了位置 / the phone is an ID number: check it was not entered in the wrong place',
          },
        ],
      ]);
      const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
      await db.connect();
      const { rows } = await db.query(`select count(*)::int as n from organization.members where name = $1`, [name]);
      await db.end();
      expect(rows).toEqual([{ n: 0 }]);
    });

    it('answers 400 naming joinedOn to a joining day before the eighteenth birthday the ID number gives, and enrols from that birthday', async () => {
      // Born 1970–1999 (the shared generator's numbers are born by 1969), on a day 2–28 of its month.
      const year = 1970 + Math.floor(Math.random() * 30);
      const monthDay = `${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-${String(2 + Math.floor(Math.random() * 27)).padStart(2, '0')}`;
      const number = withCheckDigit(
        `320101${year}${monthDay.replace('-', '')}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`,
      );
      const eighteenth = `${year + 18}-${monthDay}`;
      const dayBefore = `${year + 18}-${monthDay.slice(0, 3)}${String(Number(monthDay.slice(3)) - 1).padStart(2, '0')}`;
      const name = `年龄${Date.now()}`;
      const enrol = (joinedOn: string) =>
        http().post('/members').set(as('county.organizer')).send({ orgId: BAIHUA, name, status: 'full', joinedOn, idNumber: number });
      const early = await enrol(dayBefore);
      expect(early.status).toBe(400);
      expect(early.body.errors).toEqual([{ field: 'joinedOn', reason: expect.stringContaining('入党时须年满十八周岁') }]);
      expect(JSON.stringify(early.body)).not.toContain(number.slice(6, 14));
      const onTheDay = await enrol(eighteenth);
      expect([onTheDay.status, onTheDay.body.joinedOn]).toEqual([201, eighteenth]);
      // A birth date after today is the ID number's fault, named as such (422 from the domain), not the joining day's.
      const unborn = withCheckDigit(`320101${new Date().getUTCFullYear() + 1}0101001`);
      const future = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: BAIHUA, name, status: 'full', joinedOn: '2020-01-01', idNumber: unborn });
      expect([future.status, future.body.code]).toEqual([422, 'MEMBER.ID_NUMBER_INVALID']);
    });

    it('lets an auditor list members but not enrol one', async () => {
      const list = await http().get('/members').query({ subtreeOf: BAIHUA, limit: 5 }).set(as('province.auditor'));
      const write = await http()
        .post('/members')
        .set(as('province.auditor'))
        .send({ orgId: BAIHUA, name: '审计', status: 'full', joinedOn: '1990-07-01' });
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      expect(write.status).toBe(403);
    });
  });

  describe('transfers', () => {
    it('request → accept → complete moves the member and their history to the receiving organisation', async () => {
      const from = await newVillage(BAIHUA, '910425101');
      const to = await newVillage(HEKOU_TOWN, '910425102');
      const m = await http()
        .post('/members')
        .set(as('township.secretary'))
        .send({ orgId: from, name: '孙转接', status: 'full', joinedOn: '2003-07-01', roles: ['party_worker'] });

      const requested = await http().post('/transfers').set(as('township.secretary')).send({ memberId: m.body.id, toOrgId: to });
      expect(requested.status).toBe(201);
      expect(requested.body).toMatchObject({ status: 'requested', fromOrgId: from, toOrgId: to });
      const wrongSide = await http().post(`/transfers/${requested.body.id}/accept`).set(as('township.secretary'));
      expect(wrongSide.status).toBe(403);
      const early = await http().post(`/transfers/${requested.body.id}/complete`).set(as('other.township.secretary'));
      expect(early.status).toBe(422);
      const accepted = await http().post(`/transfers/${requested.body.id}/accept`).set(as('other.township.secretary'));
      expect(accepted.status).toBe(204);
      const completed = await http().post(`/transfers/${requested.body.id}/complete`).set(as('other.township.secretary'));
      expect(completed.status).toBe(204);

      const member = await http().get(`/members/${m.body.id}`).set(as('other.township.secretary'));
      expect(member.body.orgId).toBe(to);
      expect(member.body.history.map((h: { kind: string }) => h.kind)).toEqual(['joined', 'transferred_out', 'transferred_in']);
      const oldSide = await http().get(`/members/${m.body.id}`).set(as('township.secretary'));
      expect(oldSide.status).toBe(404);
    });

    it('answers 422 to a transfer to the member’s own organisation', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const m = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId, name: '周某', status: 'full', joinedOn: '2003-07-01' });

      const res = await http().post('/transfers').set(as('county.organizer')).send({ memberId: m.body.id, toOrgId: orgId });

      expect(res.status).toBe(422);
      expect(res.body.code).toBe('TRANSFER.SAME_ORGANIZATION');
    });

    it('lists open transfers past their deadline as overdue', async () => {
      const from = await newVillage(BAIHUA, '910425101');
      const to = await newVillage(HEKOU_TOWN, '910425102');
      const m = await http()
        .post('/members')
        .set(as('county.organizer'))
        .send({ orgId: from, name: '吴逾期', status: 'full', joinedOn: '2003-07-01' });
      const t = await http().post('/transfers').set(as('county.organizer')).send({ memberId: m.body.id, toOrgId: to });
      const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
      await db.connect();
      // Age the request: it was filed 40 days ago with the default 30-day deadline.
      await db.query(
        `update organization.member_transfers set requested_on = current_date - 40, deadline = current_date - 10 where id = $1`,
        [t.body.id],
      );
      await db.end();

      const overdue = await everyPage<{ id: string }>(sut, '/transfers', { overdue: 'true' }, as('county.organizer'));
      const onTime = await everyPage<{ deadline: string }>(sut, '/transfers', { overdue: 'true', subtreeOf: to }, as('county.organizer'));

      expect(overdue.map((x) => x.id)).toContain(t.body.id);
      expect(onTime.every((x) => x.deadline < new Date().toISOString().slice(0, 10))).toBe(true);
    });

    it('answers 404 to an unknown transfer', async () => {
      const res = await http().post('/transfers/0b0e3c1e-1111-4222-8333-444455556666/accept').set(as('county.organizer'));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('TRANSFER.NOT_FOUND');
    });
  });

  describe('contact points', () => {
    it('lists contact points without a visit in the last month, and drops one once visited', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const cp = await http()
        .post('/contact-points')
        .set(as('county.organizer'))
        .send({ orgId, leaderName: '李旗长', establishedOn: '2011-01-01' });
      expect(cp.status).toBe(201);

      const before = await everyPage<{ id: string }>(sut, '/contact-points', { withoutVisitInLastMonth: 'true' }, as('county.organizer'));
      expect(before.map((c) => c.id)).toContain(cp.body.id);

      const today = new Date().toISOString().slice(0, 10);
      const visit = await http()
        .post(`/contact-points/${cp.body.id}/visits`)
        .set(as('county.organizer'))
        .send({ visitedOn: today, visited: '困难党员王某家', solved: '协调解决饮水井维修' });
      expect(visit.status).toBe(201);

      const after = await everyPage<{ id: string }>(sut, '/contact-points', { withoutVisitInLastMonth: 'true' }, as('county.organizer'));
      expect(after.map((c) => c.id)).not.toContain(cp.body.id);
      const detail = await http().get(`/contact-points/${cp.body.id}`).set(as('township.secretary'));
      expect(detail.body).toMatchObject({
        lastVisitOn: today,
        visitCount: 1,
        visits: [{ visited: '困难党员王某家', solved: '协调解决饮水井维修' }],
      });
    });

    it('answers 422 to a visit dated in the future', async () => {
      const orgId = await newVillage(BAIHUA, '910425101');
      const cp = await http()
        .post('/contact-points')
        .set(as('county.organizer'))
        .send({ orgId, leaderName: '李旗长', establishedOn: '2011-01-01' });
      const res = await http()
        .post(`/contact-points/${cp.body.id}/visits`)
        .set(as('county.organizer'))
        .send({ visitedOn: '2098-01-01', visited: 'x', solved: 'y' });
      expect(res.status).toBe(422);
      // A day outside the years a report can be asked for is refused at the edge, naming the field.
      for (const visitedOn of ['9999-12-31', '0001-01-01']) {
        const far = await http()
          .post(`/contact-points/${cp.body.id}/visits`)
          .set(as('county.organizer'))
          .send({ visitedOn, visited: 'x', solved: 'y' });
        expect([visitedOn, far.status, far.body.errors]).toEqual([
          visitedOn,
          400,
          [{ field: 'visitedOn', reason: expect.stringContaining('1900–2099') }],
        ]);
      }
      // So is a contact point, a member or an organisation dated there (they took any ISO day before).
      for (const [path, body, field] of [
        ['/contact-points', { orgId, leaderName: '李旗长', establishedOn: '9999-12-31' }, 'establishedOn'],
        ['/members', { orgId, name: '王某', status: 'full', joinedOn: '0001-01-01' }, 'joinedOn'],
        [
          '/organizations',
          {
            code: '910425999',
            name: '远日镇',
            level: 'township',
            kind: 'committee',
            sector: 'rural',
            parentId: orgId,
            establishedOn: '9999-12-31',
          },
          'establishedOn',
        ],
      ] as const) {
        const far = await http().post(path).set(as('county.organizer')).send(body);
        expect([path, far.status, far.body.errors?.filter((e: { field: string }) => e.field === field)]).toEqual([
          path,
          400,
          [{ field, reason: expect.stringContaining('1900–2099') }],
        ]);
      }
    });

    it('refuses a branch secretary establishing a contact point (403)', async () => {
      const res = await http().post('/contact-points').set(as('township.secretary')).send({ orgId: BAIHUA, leaderName: '某' });
      expect(res.status).toBe(403);
    });
  });
});
