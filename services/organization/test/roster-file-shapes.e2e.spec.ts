import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { zipOf } from './support/zip';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { finishedJob, MEMBER_HEADER, widenImportBudget } from './support/roster-fixtures';
import { randomIdNumber } from './support/id-numbers';

const BAIHUA = demoOrgId('910425101');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const idNumber = () => randomIdNumber('110105');

interface Member {
  name: string;
  status: string;
  idNumberMasked: string | null;
  phoneMasked: string | null;
}

/**
 * Roster files whose shape the import misread before: a header with columns the format does not
 * know (their cells were dropped unseen), line breaks it did not see (a CR-only file "passed" with
 * no rows), nothing under the header reported as success, and an ID number typed as a number in
 * .xlsx (stored with other digits).
 */
describe('roster files the import must not misread', () => {
  let sut: INestApplication;
  let token: string;
  let village: { id: string; code: string };
  const http = () => request(sut.getHttpServer());
  const upload = (kind: 'members' | 'organizations', format: 'csv' | 'xlsx', body: string | Buffer, dryRun = false) =>
    http()
      .post(`/imports/${kind}`)
      .query({ format, dryRun: String(dryRun) })
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', format === 'csv' ? 'text/csv' : XLSX)
      .send(body);
  const members = async () =>
    (await http().get('/members').query({ subtreeOf: village.id }).set('Authorization', `Bearer ${token}`)).body.items as Member[];

  beforeAll(async () => {
    widenImportBudget();
    sut = await createOrganizationTestApp();
    token = await tokenFor('county.organizer');
    const res = await http()
      .post('/organizations')
      .set('Authorization', `Bearer ${token}`)
      .send({
        parentId: BAIHUA,
        code: childCode('910425101'),
        name: '文件形状测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        establishedOn: '2005-01-01',
      });
    village = res.body as { id: string; code: string };
  });
  afterAll(() => sut.close());

  it('answers 422 naming each unknown member column, with the nearest known name, and imports nothing', async () => {
    const csv = `org_code,name,member_status,joined_on,id-number,mobile\r\n${village.code},张三,probationary,2001-07-01,${idNumber()},13800138000\r\n`;

    const res = await upload('members', 'csv', csv);

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'IMPORT.HEADER_REFUSED' });
    expect(res.body.errors).toEqual([
      { field: 'member_status', reason: expect.stringContaining('did you mean status?') },
      { field: 'id-number', reason: expect.stringContaining('did you mean id_number?') },
      { field: 'mobile', reason: expect.not.stringContaining('did you mean') },
    ]);
    expect(await members()).toEqual([]);
  });

  it('answers 422 naming a column headed with another column’s label, and imports nothing', async () => {
    // Labels swapped by hand: read by their names, ID numbers would go in as phone numbers.
    const header = '组织代码（org_code）,姓名（name）,入党日期（joined_on）,身份证号（phone）,联系电话（id_number）,手机(posts)';
    const csv = `${header}\r\n${village.code},张三,2001-07-01,13800138000,${idNumber()},\r\n`;

    const res = await upload('members', 'csv', csv);

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'IMPORT.HEADER_REFUSED' });
    expect(res.body.errors).toEqual([
      {
        field: 'phone',
        reason:
          '表头“身份证号（phone）”的中文名是 id_number 列的（身份证号），括号内却是 phone；请核对该列内容，改为“联系电话（phone）”或“身份证号（id_number）” / ' +
          "header cell 身份证号（phone）: its label is id_number's (身份证号) but its bracket says phone; check the column's values and head it 联系电话（phone） or 身份证号（id_number）",
      },
      { field: 'id_number', reason: expect.stringContaining("its label is phone's (联系电话) but its bracket says id_number") },
    ]);
    expect(await members()).toEqual([]);
  });

  it('answers 422 naming an unknown organisation column too', async () => {
    const csv = 'code,name,level,kind,sector,parent_code,established_on,temporary,remark\r\n';

    const res = await upload('organizations', 'csv', csv, true);

    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'remark', reason: expect.stringContaining('unknown column remark') }]);
  });

  it('reads a file with CR-only line breaks row by row, and imports its rows as written', async () => {
    const id = idNumber();
    const rows = [
      MEMBER_HEADER.join(','),
      `${village.code},李预备,probationary,2001-07-01,,,${id},13800138000`,
      `${village.code},王正式,full,1999-07-01,,,,`,
    ];
    const csv = `${rows.join('\r')}\r`;

    const dry = await upload('members', 'csv', csv, true);
    const dryJob = await finishedJob(sut, token, dry.body.id as string);
    const real = await upload('members', 'csv', csv);
    const job = await finishedJob(sut, token, real.body.id as string);

    expect(dryJob).toMatchObject({ status: 'succeeded', rowsProcessed: 2 });
    expect(job).toMatchObject({ status: 'succeeded', rowsImported: 2 });
    const imported = (await members()).filter((m) => m.name === '李预备');
    expect(imported).toEqual([
      expect.objectContaining({
        status: 'probationary',
        idNumberMasked: `${id.slice(0, 4)}**********${id.slice(14)}`,
        phoneMasked: '138****8000',
      }),
    ]);
  });

  it('does not report a file with nothing under its header as a success, dry or real', async () => {
    const csv = `${MEMBER_HEADER.join(',')}\r\n`;

    const dry = await finishedJob(sut, token, (await upload('members', 'csv', csv, true)).body.id as string);
    const real = await finishedJob(sut, token, (await upload('members', 'csv', csv)).body.id as string);

    for (const job of [dry, real]) {
      expect(job).toMatchObject({ status: 'rejected', rowsImported: 0 });
      expect(job.message).toContain('no rows under its header');
    }
  });

  it('refuses an .xlsx whose ID number is a number cell, naming row and column, instead of storing other digits', async () => {
    const MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const part = (name: string, xml: string) => ({ name, content: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`) });
    const text = (ref: string, t: string) => `<c r="${ref}" t="inlineStr"><is><t>${t}</t></is></c>`;
    const cols = 'ABCDEFGH';
    const header = MEMBER_HEADER.map((h, i) => text(`${cols[i]}1`, h)).join('');
    const row = [village.code, '赵数值', 'full', '2001-07-01']
      .map((v, i) => text(`${cols[i]}2`, v))
      .concat('<c r="G2"><v>110105194912319999</v></c>')
      .join('');
    const book = zipOf([
      part('[Content_Types].xml', '<Types/>'),
      part(
        'xl/workbook.xml',
        `<workbook ${MAIN} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="党员" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
      part(
        'xl/_rels/workbook.xml.rels',
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      ),
      part(
        'xl/worksheets/sheet1.xml',
        `<worksheet ${MAIN}><sheetData><row r="1">${header}</row><row r="2">${row}</row></sheetData></worksheet>`,
      ),
    ]);

    const res = await upload('members', 'xlsx', book);
    const job = await finishedJob(sut, token, res.body.id as string);

    expect(job).toMatchObject({ status: 'rejected', rowsImported: 0 });
    expect(job.errors).toEqual([{ row: 2, column: 'id_number', reason: expect.stringContaining('row 2, column id_number') }]);
    expect(job.message).toContain('format the column as text');
    expect((await members()).map((m) => m.name)).not.toContain('赵数值');
  });
});
