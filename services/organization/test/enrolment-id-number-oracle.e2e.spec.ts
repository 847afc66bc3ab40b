import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, type TestSchema } from '@vanguard/testing';
import { EnrolMemberHandler } from '../src/application/commands/enrol-member/enrol-member.handler';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { randomIdNumber } from './support/id-numbers';

const SONGLING = demoOrgId('910425');
const HEKOU_COUNTY = demoOrgId('910426');
const BAIHUA = demoOrgId('910425101');
const NUMBERS_PER_WINDOW = 30;
const SAMPLES = 8;

const idNumber = () => randomIdNumber('320101');
const mask = (id: string) => `${id.slice(0, 4)}${'*'.repeat(10)}${id.slice(14)}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// A branch secretary must not learn from POST /members whether an ID number belongs to a
// member registered anywhere else (ADR 0011, the rule of the import applied to enrolment).
// Real service, real Keycloak tokens, a schema of its own so the budget it spends is its own.
describe(EnrolMemberHandler.name, () => {
  let db: TestSchema;
  let sut: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(sut.getHttpServer());
  const saved = process.env['ORGANIZATION_ID_CHECK_NUMBERS_PER_WINDOW'];
  const savedHolds = process.env['ORGANIZATION_ID_CHECK_HOLDS_PER_WINDOW'];
  let village: string;

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('enrol_oracle');
    process.env['ORGANIZATION_ID_CHECK_NUMBERS_PER_WINDOW'] = String(NUMBERS_PER_WINDOW);
    // This file holds 1 + SAMPLES numbers: the holds' own budget (ADR 0126) is tested beside the others'.
    process.env['ORGANIZATION_ID_CHECK_HOLDS_PER_WINDOW'] = String(NUMBERS_PER_WINDOW);
    sut = await createOrganizationTestApp({ databaseUrl: db.url, schema: db.schema });
    for (const u of ['county.organizer', 'province.organizer', 'township.secretary']) tokens[u] = await tokenFor(u);
    const res = await http()
      .post('/organizations')
      .set(as('county.organizer'))
      .send({
        code: childCode('910425101'),
        name: '登记核查支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: BAIHUA,
        establishedOn: '2005-01-01',
      });
    expect(res.status).toBe(201);
    village = res.body.id as string;
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env['ORGANIZATION_ID_CHECK_NUMBERS_PER_WINDOW'];
    else process.env['ORGANIZATION_ID_CHECK_NUMBERS_PER_WINDOW'] = saved;
    if (savedHolds === undefined) delete process.env['ORGANIZATION_ID_CHECK_HOLDS_PER_WINDOW'];
    else process.env['ORGANIZATION_ID_CHECK_HOLDS_PER_WINDOW'] = savedHolds;
    await sut?.close();
    await db?.drop();
  });

  const enrol = (user: string, orgId: string, id: string) =>
    http().post('/members').set(as(user)).send({ orgId, name: '候选人', status: 'full', joinedOn: '2001-07-01', idNumber: id });
  const registerElsewhere = async () => {
    const id = idNumber();
    const res = await enrol('province.organizer', HEKOU_COUNTY, id);
    expect(res.status).toBe(201);
    return { id, memberId: res.body.id as string };
  };
  /** What the caller sees of an answer, without what differs between any two enrolments. */
  const answer = (res: request.Response) => {
    const { id: _id, idNumberMasked: _m, ...rest } = res.body as Record<string, unknown>;
    return { status: res.status, type: res.type, keys: Object.keys(res.body as object).sort(), rest };
  };

  it('a secretary enrolling an ID number registered in another county gets the answer of an unregistered number, and the check is recorded', async () => {
    const elsewhere = await registerElsewhere();

    const registered = await enrol('township.secretary', village, elsewhere.id);
    const fresh = idNumber();
    const unregistered = await enrol('township.secretary', village, fresh);

    expect(answer(registered)).toEqual(answer(unregistered));
    expect(registered.status).toBe(201);
    expect(registered.body.idNumberMasked).toBe(mask(elsewhere.id));
    expect(unregistered.body.idNumberMasked).toBe(mask(fresh));
    const { rows } = await db.pool.query(
      `select source, actor_org_id, dry_run, id_numbers, held from id_number_checks where job_id = any($1::uuid[]) order by started_at`,
      [[registered.body.id, unregistered.body.id]],
    );
    expect(rows).toEqual([
      { source: 'enrolment', actor_org_id: BAIHUA, dry_run: false, id_numbers: 1, held: 1 },
      { source: 'enrolment', actor_org_id: BAIHUA, dry_run: false, id_numbers: 1, held: 0 },
    ]);
    // The county above the secretary reviews the held enrolment; the other county's member is untouched.
    const holds = await db.pool.query(`select org_id, existing_member_id, review_org_id from id_number_review_holds where job_id = $1`, [
      registered.body.id,
    ]);
    expect(holds.rows).toEqual([{ org_id: village, existing_member_id: elsewhere.memberId, review_org_id: SONGLING }]);
    const other = await db.pool.query(`select org_id, membership from members where id = $1`, [elsewhere.memberId]);
    expect(other.rows).toEqual([{ org_id: HEKOU_COUNTY, membership: 'active' }]);
  });

  it('answers a number registered elsewhere in the same time class as an unregistered one', async () => {
    const held: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const elsewhere = await registerElsewhere();
      for (const [id, into] of [
        [elsewhere.id, held],
        [idNumber(), fresh],
      ] as const) {
        const t0 = process.hrtime.bigint();
        expect((await enrol('township.secretary', village, id)).status).toBe(201);
        into.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    process.stdout.write(`[enrol timing] held median ${median(held).toFixed(1)} ms, fresh median ${median(fresh).toFixed(1)} ms\n`);
    // Same class: one path may not be a multiple of the other (a lookup answered early would be).
    expect(median(held)).toBeLessThan(3 * median(fresh) + 10);
    expect(median(fresh)).toBeLessThan(3 * median(held) + 10);
  });

  it('a duplicate inside the secretary’s own subtree is still refused with 409 naming the field', async () => {
    const own = idNumber();
    expect((await enrol('county.organizer', village, own)).status).toBe(201);
    const res = await enrol('township.secretary', village, own);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'MEMBER.ID_NUMBER_TAKEN', errors: [{ field: 'idNumber' }] });
  });

  it('past the window’s budget of ID numbers enrolments with one are refused with 429 and flagged to the county above', async () => {
    const { rows } = await db.pool.query(`select coalesce(sum(id_numbers), 0)::int as n from id_number_checks where actor_org_id = $1`, [
      BAIHUA,
    ]);
    for (let i = rows[0].n; i < NUMBERS_PER_WINDOW; i++) expect((await enrol('township.secretary', village, idNumber())).status).toBe(201);

    const refused = await enrol('township.secretary', village, idNumber());
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'IMPORT.ID_CHECKS_EXHAUSTED' });
    const { rows: flags } = await db.pool.query(`select actor_org_id, review_org_id, id_numbers from id_number_probe_flags`);
    expect(flags).toEqual([{ actor_org_id: BAIHUA, review_org_id: SONGLING, id_numbers: NUMBERS_PER_WINDOW }]);
    // An enrolment without an ID number checks nothing and still goes through; another user's budget is their own.
    const plain = await http()
      .post('/members')
      .set(as('township.secretary'))
      .send({ orgId: village, name: '无证件党员', status: 'full', joinedOn: '2001-07-01' });
    expect(plain.status).toBe(201);
    expect((await enrol('county.organizer', village, idNumber())).status).toBe(201);
  });
});
