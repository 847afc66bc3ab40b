import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { csvLine, parseCsv } from '@vanguard/spreadsheet';
import { RosterHttpController } from '../src/interface/http/roster.http.controller';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { everyPage } from './support/every-page';
import { randomIdNumber } from './support/id-numbers';

const BAIHUA = demoOrgId('910425101');
const HEKOU_TOWN = demoOrgId('910425102');
const HEADER = ['org_code', 'name', 'status', 'joined_on', 'roles', 'posts', 'id_number', 'phone'];

async function rowsOf(text: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of parseCsv(Readable.from([text]))) out.push(r);
  return out;
}
interface ImportJob {
  status: string;
  errors: { row: number; column: string; reason: string }[];
  [field: string]: unknown;
}
const idNumber = () => randomIdNumber('320101');

describe(RosterHttpController.name, () => {
  let sut: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(sut.getHttpServer());

  beforeAll(async () => {
    sut = await createOrganizationTestApp();
    for (const u of ['county.organizer', 'township.secretary', 'province.auditor']) tokens[u] = await tokenFor(u);
  });
  afterAll(() => sut.close());

  const village = async (parentId = BAIHUA, parentCode = '910425101') => {
    const res = await http()
      .post('/organizations')
      .set(as('county.organizer'))
      .send({
        code: childCode(parentCode),
        name: '导入测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId,
        establishedOn: '2005-01-01',
      });
    return { id: res.body.id as string, code: res.body.code as string };
  };
  const upload = async (user: string, kind: string, format: 'csv' | 'xlsx', body: string | Buffer, dryRun: boolean) => {
    const res = await http()
      .post(`/imports/${kind}`)
      .query({ format, dryRun: String(dryRun) })
      .set(as(user))
      .set('Content-Type', format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(body);
    expect(res.status).toBe(202);
    const jobId = (res.body as { id: string }).id;
    return waitUntil<ImportJob>(`import ${jobId} to finish`, async () => {
      const job = await http().get(`/imports/${jobId}`).set(as(user));
      const body = job.body as ImportJob;
      return body.status === 'queued' || body.status === 'running' ? undefined : body;
    });
  };
  const memberCount = async (orgId: string) =>
    (await http().get('/members').query({ subtreeOf: orgId, limit: 200 }).set(as('county.organizer'))).body.items.length as number;

  it('a dry run reports every bad row with row, column and a bilingual reason, and imports nothing', async () => {
    const v = await village();
    const csv = [
      csvLine(HEADER),
      csvLine([v.code, '张一', 'full', '2001-07-01', 'secretary', '', idNumber(), '13800000001']),
      csvLine([v.code, '', 'full', '2001-07-01', '', '', '', '']),
      csvLine([v.code, '李三', 'full', '2001-07-01', 'king', '', '', '']),
      csvLine(['999999999999', '王四', 'full', '2001-07-01', '', '', '', '']),
    ].join('');

    const job = await upload('county.organizer', 'members', 'csv', csv, true);

    expect(job).toMatchObject({ status: 'rejected', dryRun: true, progress: 100, rowsProcessed: 4, rowsImported: 0, errorCount: 3 });
    expect(job.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual(['3:name', '4:roles', '5:org_code']);
    expect(job.errors[2]?.reason).toMatch(/不存在.*\/ org_code 999999999999 is unknown/);
    expect(await memberCount(v.id)).toBe(0);
  });

  it('a real import with one bad row imports nothing; fixed, it imports every row', async () => {
    const v = await village();
    const good = [1, 2, 3].map((i) => [
      v.code,
      `成员${i}`,
      'full',
      '2001-07-01',
      i === 1 ? 'secretary' : '',
      'pioneer_post',
      idNumber(),
      `1390000000${i}`,
    ]);
    const bad = [v.code, '坏行', 'full', 'not-a-date', '', '', '', ''];

    const refused = await upload('county.organizer', 'members', 'csv', [csvLine(HEADER), ...[...good, bad].map(csvLine)].join(''), false);
    expect(refused).toMatchObject({ status: 'rejected', rowsImported: 0, errorCount: 1, errors: [{ row: 5, column: 'joined_on' }] });
    expect(await memberCount(v.id)).toBe(0);

    const imported = await upload('county.organizer', 'members', 'csv', [csvLine(HEADER), ...good.map(csvLine)].join(''), false);
    expect(imported).toMatchObject({ status: 'succeeded', rowsImported: 3, errorCount: 0, progress: 100 });
    expect(await memberCount(v.id)).toBe(3);

    const again = await upload('county.organizer', 'members', 'csv', [csvLine(HEADER), ...good.map(csvLine)].join(''), true);
    expect(again.errors.map((e: { column: string }) => e.column)).toEqual(['id_number', 'id_number', 'id_number']);
  });

  it('exports the format it imports (csv), headed in Chinese, with personal fields in clear for an organiser and masked for an auditor', async () => {
    const v = await village();
    const id = idNumber();
    await upload(
      'county.organizer',
      'members',
      'csv',
      csvLine(HEADER) +
        csvLine([v.code, '导出者', 'probationary', '2009-07-01', 'secretary;party_worker', 'model_post', id, '13700001234']),
      false,
    );

    const organiser = await http()
      .get('/exports/members')
      .query({ format: 'csv', subtreeOf: v.id })
      .set(as('county.organizer'))
      .buffer(true);
    const auditor = await http().get('/exports/members').query({ format: 'csv', subtreeOf: v.id }).set(as('province.auditor')).buffer(true);

    expect(organiser.status).toBe(200);
    // Each column headed in Chinese with its name, which the import reads back (roster-downloads.e2e re-imports both forms).
    expect(await rowsOf(organiser.text)).toEqual([
      [
        '组织代码（org_code）',
        '姓名（name）',
        '党员状态（status）',
        '入党日期（joined_on）',
        '职务（roles）',
        '岗位（posts）',
        '身份证号（id_number）',
        '联系电话（phone）',
      ],
      [v.code, '导出者', 'probationary', '2009-07-01', 'secretary;party_worker', 'model_post', id, '13700001234'],
    ]);
    const [, masked] = await rowsOf(auditor.text);
    expect(masked![6]).toBe(`${id.slice(0, 4)}**********${id.slice(14)}`);
    expect(masked![7]).toBe('137****1234');
  });

  it('reads back its own .xlsx export', async () => {
    const v = await village();
    await upload(
      'county.organizer',
      'members',
      'csv',
      csvLine(HEADER) + csvLine([v.code, '表格人', 'full', '2000-07-01', '', '', idNumber(), '']),
      false,
    );
    const xlsx = await http()
      .get('/exports/members')
      .query({ format: 'xlsx', subtreeOf: v.id })
      .set(as('county.organizer'))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    expect(book.worksheets[0]!.getRow(1).getCell(2).value).toBe('姓名（name）');
    expect(book.worksheets[0]!.getRow(2).getCell(2).value).toBe('表格人');

    // Re-importing the same people is refused row by row: they are already registered.
    const job = await upload('county.organizer', 'members', 'xlsx', xlsx.body as Buffer, true);
    expect(job).toMatchObject({ status: 'rejected', rowsProcessed: 1, errors: [{ row: 2, column: 'id_number' }] });
  });

  it('refuses an .xlsx whose cells are formulas, naming the row and column, and imports nothing', async () => {
    const v = await village();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('花名册');
    sheet.addRow(HEADER);
    // The file caches a result of its own choosing, which Excel would recompute; it was imported as cached (a probe).
    sheet.addRow([v.code, { formula: 'CONCAT("张","三")', result: '张三' }, 'full', '2001-07-01', '', '', '', '']);
    const job = await upload('county.organizer', 'members', 'xlsx', Buffer.from(await book.xlsx.writeBuffer()), false);
    expect(job).toMatchObject({ status: 'rejected', rowsImported: 0 });
    expect(JSON.stringify(job.errors)).toMatch(/第 2 行“name”列是公式/);
    expect(await memberCount(v.id)).toBe(0);
  });

  it('refuses rows outside the caller’s subtree', async () => {
    const other = await village(HEKOU_TOWN, '910425102');
    const job = await upload(
      'township.secretary',
      'members',
      'csv',
      csvLine(HEADER) + csvLine([other.code, '越权', 'full', '2001-07-01', '', '', '', '']),
      true,
    );
    expect(job.errors).toEqual([{ row: 2, column: 'org_code', reason: expect.stringContaining('outside your subtree') }]);
  });

  it('imports organisations, parents before children, all-or-nothing', async () => {
    const parentCode = childCode('910425101');
    const childOrgCode = `${parentCode}01`;
    const csv = [
      csvLine(['code', 'name', 'level', 'kind', 'sector', 'parent_code', 'established_on', 'temporary']),
      csvLine([parentCode, '导入总支', 'village', 'general_branch', 'rural', '910425101', '2001-01-01', 'false']),
      csvLine([childOrgCode, '导入临时支部', 'village', 'branch', 'state_enterprise', parentCode, '2011-03-01', '是']),
    ].join('');

    const job = await upload('county.organizer', 'organizations', 'csv', csv, false);

    expect(job).toMatchObject({ status: 'succeeded', rowsImported: 2 });
    const listed = await everyPage<{ code: string }>(
      sut,
      '/organizations',
      { subtreeOf: BAIHUA, kind: 'branch', sector: 'state_enterprise' },
      as('township.secretary'),
    );
    expect(listed.find((o) => o.code === childOrgCode)).toMatchObject({
      temporary: true,
      name: '导入临时支部',
    });
  });

  it('exports organisations headed in Chinese, and the export goes back in as it came out (a dry run: only the codes already taken refused)', async () => {
    const v = await village();
    const exported = await http()
      .get('/exports/organizations')
      .query({ format: 'csv', subtreeOf: v.id })
      .set(as('county.organizer'))
      .buffer(true);
    expect(exported.status).toBe(200);
    const rows = await rowsOf(exported.text);
    expect(rows[0]).toEqual([
      '组织代码（code）',
      '组织名称（name）',
      '层级（level）',
      '组织类别（kind）',
      '领域（sector）',
      '上级组织代码（parent_code）',
      '建立日期（established_on）',
      '临时党组织（temporary）',
    ]);
    expect(rows.slice(1).map((r) => r[0])).toEqual([v.code]);

    const again = await upload('county.organizer', 'organizations', 'csv', exported.text.replace(/^\ufeff/, ''), true);
    expect(again).toMatchObject({ status: 'rejected', errors: [{ row: 2, column: 'code' }] });
  });

  it('answers a job started outside the caller’s subtree as it answers an unknown job (404), naming no organisation', async () => {
    const v = await village();
    const job = await upload(
      'county.organizer',
      'members',
      'csv',
      csvLine(HEADER) + csvLine([v.code, '张一', 'full', '2001-07-01', '', '', '', '']),
      true,
    );
    const jobId = job.id as string;

    const foreign = await http().get(`/imports/${jobId}`).set(as('township.secretary'));
    const unknown = await http().get(`/imports/${randomUUID()}`).set(as('township.secretary'));

    expect({ status: foreign.status, code: foreign.body.code }).toEqual({ status: 404, code: 'IMPORT.NOT_FOUND' });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'IMPORT.NOT_FOUND' });
    expect(JSON.stringify(foreign.body)).not.toContain(demoOrgId('910425'));
    expect(foreign.body.message).toBe(String(unknown.body.message).replace(/[0-9a-f-]{36}$/, jobId));
  });

  it('refuses an auditor importing (403)', async () => {
    const res = await http()
      .post('/imports/members')
      .query({ format: 'csv' })
      .set(as('province.auditor'))
      .set('Content-Type', 'text/csv')
      .send(csvLine(HEADER));
    expect(res.status).toBe(403);
  });
});
