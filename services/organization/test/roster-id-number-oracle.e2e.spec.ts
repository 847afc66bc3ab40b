import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, waitUntil, type TestSchema } from '@vanguard/testing';
import { csvLine } from '@vanguard/spreadsheet';
import { PgIdNumberChecks } from '../src/infrastructure/roster/pg-id-number-checks';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { randomIdNumber } from './support/id-numbers';

const SONGLING = demoOrgId('910425');
const HEKOU_COUNTY = demoOrgId('910426');
const BAIHUA = demoOrgId('910425101');
const HEADER = ['org_code', 'name', 'status', 'joined_on', 'roles', 'posts', 'id_number', 'phone'];
const JOBS_PER_WINDOW = 7;

interface ImportJob {
  id: string;
  status: string;
  errors: { row: number; column: string; reason: string }[];
  [field: string]: unknown;
}
const idNumber = () => randomIdNumber('320101');

// A branch secretary must not learn from an import whether an ID number belongs to a member
// registered anywhere else (ADR 0011). Real service, real Keycloak tokens, a schema of its
// own so the per-user budget it spends is nobody else's.
describe(PgIdNumberChecks.name, () => {
  let db: TestSchema;
  let sut: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(sut.getHttpServer());
  const saved = process.env['ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW'];
  let village: { id: string; code: string };

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('id_oracle');
    process.env['ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW'] = String(JOBS_PER_WINDOW);
    sut = await createOrganizationTestApp({ databaseUrl: db.url, schema: db.schema });
    for (const u of ['county.organizer', 'province.organizer', 'township.secretary']) tokens[u] = await tokenFor(u);
    const res = await http()
      .post('/organizations')
      .set(as('county.organizer'))
      .send({
        code: childCode('910425101'),
        name: '核查测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: BAIHUA,
        establishedOn: '2005-01-01',
      });
    expect(res.status).toBe(201);
    village = { id: res.body.id as string, code: res.body.code as string };
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env['ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW'];
    else process.env['ORGANIZATION_ID_CHECK_JOBS_PER_WINDOW'] = saved;
    await sut?.close();
    await db?.drop();
  });

  const enrol = async (user: string, orgId: string, id: string) => {
    const res = await http()
      .post('/members')
      .set(as(user))
      .send({ orgId, name: '已登记党员', status: 'full', joinedOn: '2001-07-01', idNumber: id });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const send = (user: string, id: string, dryRun: boolean) =>
    http()
      .post('/imports/members')
      .query({ format: 'csv', dryRun: String(dryRun) })
      .set(as(user))
      .set('Content-Type', 'text/csv')
      .send([csvLine(HEADER), csvLine([village.code, '候选人', 'full', '2001-07-01', '', '', id, ''])].join(''));
  const finished = (user: string, jobId: string) =>
    waitUntil<ImportJob>(`import ${jobId} to finish`, async () => {
      const body = (await http().get(`/imports/${jobId}`).set(as(user))).body as ImportJob;
      return body.status === 'queued' || body.status === 'running' ? undefined : body;
    });
  const importOne = async (user: string, id: string, dryRun: boolean) => {
    const res = await send(user, id, dryRun);
    expect(res.status).toBe(202);
    return finished(user, (res.body as { id: string }).id);
  };
  /** What the caller can see of a job, without what differs between any two jobs. */
  const answer = ({ id: _id, createdAt: _c, finishedAt: _f, ...rest }: ImportJob) => rest;

  it('a secretary’s dry run with an ID number registered in another county answers as for an unregistered one, and is recorded', async () => {
    const elsewhere = idNumber();
    await enrol('province.organizer', HEKOU_COUNTY, elsewhere);

    const registered = await importOne('township.secretary', elsewhere, true);
    const unregistered = await importOne('township.secretary', idNumber(), true);

    expect(answer(registered)).toEqual(answer(unregistered));
    expect(registered).toMatchObject({ status: 'succeeded', errorCount: 0, errors: [] });
    const { rows } = await db.pool.query(
      `select actor_org_id, dry_run, id_numbers, held, finished_at from id_number_checks where job_id = any($1::uuid[]) order by started_at`,
      [[registered.id, unregistered.id]],
    );
    // The county can see what the secretary cannot: the first file named a member registered elsewhere.
    expect(rows).toEqual([
      expect.objectContaining({ actor_org_id: BAIHUA, dry_run: true, id_numbers: 1, held: 1, finished_at: expect.any(Date) }),
      expect.objectContaining({ actor_org_id: BAIHUA, dry_run: true, id_numbers: 1, held: 0, finished_at: expect.any(Date) }),
    ]);
  });

  it('a duplicate inside the secretary’s own subtree is still refused: the secretary may know its own members', async () => {
    const own = idNumber();
    await enrol('county.organizer', village.id, own);
    const job = await importOne('township.secretary', own, true);
    expect(job).toMatchObject({ status: 'rejected', errors: [{ row: 2, column: 'id_number' }] });
  });

  it('a real import holds a row registered elsewhere for the county to review, and answers as if it were accepted', async () => {
    const elsewhere = idNumber();
    const existing = await enrol('province.organizer', HEKOU_COUNTY, elsewhere);
    const job = await importOne('township.secretary', elsewhere, false);
    expect(job).toMatchObject({ status: 'succeeded', rowsImported: 1, errorCount: 0 });
    const { rows } = await db.pool.query(`select org_id, existing_member_id, review_org_id from id_number_review_holds where job_id = $1`, [
      job.id,
    ]);
    expect(rows).toEqual([{ org_id: village.id, existing_member_id: existing, review_org_id: SONGLING }]);
    const members = await db.pool.query(`select count(*)::int as n from members where org_id = $1 and membership = 'active'`, [village.id]);
    expect(members.rows[0].n).toBe(1); // only the secretary's own member from the test before
  });

  it('a probing burst is refused with 429 once the window’s budget is spent, and flagged to the county above', async () => {
    const { rows: before } = await db.pool.query(`select count(*)::int as n from id_number_checks where actor_org_id = $1`, [BAIHUA]);
    for (let i = before[0].n; i < JOBS_PER_WINDOW; i++) await importOne('township.secretary', idNumber(), true);

    const refused = await send('township.secretary', idNumber(), true);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'IMPORT.ID_CHECKS_EXHAUSTED' });
    expect((await send('township.secretary', idNumber(), false)).status).toBe(429);

    const { rows: flags } = await db.pool.query(`select actor_org_id, review_org_id, jobs from id_number_probe_flags`);
    expect(flags).toEqual([{ actor_org_id: BAIHUA, review_org_id: SONGLING, jobs: JOBS_PER_WINDOW }]);
    // The county's organisation department sees the flag and the held row; the secretary sees neither.
    const reviews = await http().get('/id-number-reviews').set(as('county.organizer'));
    expect(reviews.status).toBe(200);
    expect(reviews.body.flags).toEqual([expect.objectContaining({ actorOrgId: BAIHUA, reviewOrgId: SONGLING, jobs: JOBS_PER_WINDOW })]);
    expect(reviews.body.holds).toEqual([expect.objectContaining({ orgId: village.id, reviewOrgId: SONGLING })]);
    expect((await http().get('/id-number-reviews').set(as('township.secretary'))).status).toBe(403);
    // Another user's budget is their own.
    expect(await importOne('county.organizer', idNumber(), true)).toMatchObject({ status: 'succeeded' });
  });
});
