import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { TestSchema } from '@vanguard/testing';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { csvLine } from '@vanguard/spreadsheet';
import { isolatedOrganizationSchema } from '../support/isolated-schema';
import { childCode, createOrganizationTestApp } from '../support/organization-test-app';
import { demoOrgId } from '@vanguard/infra-config';

const HEADER = ['org_code', 'name', 'status', 'joined_on', 'roles', 'posts', 'id_number', 'phone'];
/** A name the suite's private schema refuses by a check constraint: a real Postgres refusal mid-import. */
const REFUSED_NAME = '数据库拒收';

interface ImportJob {
  status: string;
  message: string;
  errors: unknown[];
}

describe('an import the database refuses', () => {
  let db: TestSchema;
  let app: INestApplication;
  let auth: { Authorization: string };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_import_failure');
    await db.pool.query(`alter table members add constraint import_failure_probe_ck check (name <> '${REFUSED_NAME}')`);
    app = await createOrganizationTestApp({ databaseUrl: db.url, schema: db.schema });
    auth = { Authorization: `Bearer ${await tokenFor('county.organizer')}` };
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('fails the job with a safe message that names none of the database’s tables, constraints or values', async () => {
    const village = await http()
      .post('/organizations')
      .set(auth)
      .send({
        code: childCode('910425101'),
        name: '导入失败测试',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: demoOrgId('910425101'),
        establishedOn: '2005-01-01',
      });
    expect(village.status).toBe(201);
    const csv = [
      csvLine(HEADER),
      csvLine([village.body.code, '张一', 'full', '2001-07-01', '', '', '', '']),
      csvLine([village.body.code, REFUSED_NAME, 'full', '2001-07-01', '', '', '', '']),
    ].join('');

    const started = await http()
      .post('/imports/members')
      .query({ format: 'csv', dryRun: 'false' })
      .set(auth)
      .set('Content-Type', 'text/csv')
      .send(csv);
    const job = await waitUntil<ImportJob>('the import to finish', async () => {
      const j = (await http().get(`/imports/${started.body.id}`).set(auth)).body as ImportJob;
      return j.status === 'queued' || j.status === 'running' ? undefined : j;
    });
    const stored = await db.pool.query(`select count(*)::int as n from members where org_id = $1`, [village.body.id]);

    expect(job.status).toBe('failed');
    expect(job.message).toContain('a row breaks a database constraint');
    expect(job.message).toContain(started.body.id);
    expect(job.message).not.toMatch(/violates|constraint "|import_failure_probe|relation|members|数据库拒收|check/i);
    expect(stored.rows[0].n).toBe(0);
  });

  it.each([true, false])('a cell with NUL is a bad row naming its column (dry run: %s), not a database failure', async (dryRun) => {
    const village = await http()
      .post('/organizations')
      .set(auth)
      .send({
        code: childCode('910425101'),
        name: 'NUL 测试',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: demoOrgId('910425101'),
        establishedOn: '2005-01-01',
      });
    const csv = [csvLine(HEADER), csvLine([village.body.code, '张\u0000一', 'full', '2001-07-01', '', '', '', ''])].join('');

    const started = await http()
      .post('/imports/members')
      .query({ format: 'csv', dryRun: String(dryRun) })
      .set(auth)
      .set('Content-Type', 'text/csv')
      .send(csv);
    const job = await waitUntil<ImportJob>('the import to finish', async () => {
      const j = (await http().get(`/imports/${started.body.id}`).set(auth)).body as ImportJob;
      return j.status === 'queued' || j.status === 'running' ? undefined : j;
    });

    expect(job.status).toBe('rejected');
    expect(job.errors).toEqual([expect.objectContaining({ row: 2, column: 'name', reason: expect.stringContaining('NUL') })]);
  });
});
