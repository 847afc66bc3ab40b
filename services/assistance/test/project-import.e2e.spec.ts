import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Pool } from 'pg';
import request from 'supertest';
import { csvLine } from '@vanguard/spreadsheet';
import { zipOf } from '@vanguard/spreadsheet/testing';
import { REQUEST_TIMEOUT_GRACE_MS } from '@vanguard/http';
import { tokenFor } from '@vanguard/testing';
import { projectImportLimits } from '../src/import-limits.config';
import { assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage } from './support/assistance-test-app';

const BAIHUA_TOWN = '910425101';
const HEKOU_COUNTY = '910426';
const HEADER = ['village_id', 'name', 'category', 'budget_fen', 'beneficiary_households', 'planned_on'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * POST /projects/import with Keycloak's real tokens: a project list (.xlsx or .csv) planned
 * all or nothing through the plan-project command, row errors in Chinese, the shared file
 * bounds (formula cells, zip bombs, content type, 413) and the per-user import limit.
 */
describe('project list import', () => {
  let app: INestApplication;
  let db: Pool;
  let token: string;
  let village: string;
  let otherCountyVillage: string;
  const maxUploadBytes = 256 * 1024;
  const http = () => request(app.getHttpServer());
  const send = (body: Buffer | string, type = 'text/csv') =>
    http().post('/projects/import').set('Authorization', `Bearer ${token}`).set('Content-Type', type).send(body);
  const csv = (rows: (string | number)[][]) => [HEADER, ...rows].map(csvLine).join('');
  const plannedIn = async (villageId: string) =>
    (await db.query<{ n: number }>(`select count(*)::int as n from projects where org_id = $1`, [villageId])).rows[0]!.n;

  beforeAll(async () => {
    app = await createAssistanceTestApp({
      projectImport: { ...projectImportLimits({}), maxUploadBytes, maxInflatedBytes: 4 * 1024 * 1024, maxRows: 50 },
    });
    db = assistanceDb();
    token = await tokenFor('county.assistance');
    village = await freshVillage(db, BAIHUA_TOWN, { name: '导入村' });
    otherCountyVillage = await freshVillage(db, HEKOU_COUNTY);
  });

  afterAll(async () => {
    await db.end();
    await app.close();
  });

  it('lets Node wait for an upload as long as the upload may take, and no longer', () => {
    // Set from the JSON deadline alone, Node would cut an upload the import still allows.
    const server = app.getHttpServer() as Server;
    expect(server.requestTimeout).toBe(server.headersTimeout + projectImportLimits({}).uploadDeadlineMs + REQUEST_TIMEOUT_GRACE_MS);
  });

  it('plans every row of a good .xlsx sent as a multipart form, each with its ProjectPlanned in the outbox', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('项目');
    ws.addRow(HEADER);
    const names = ['村道硬化一期', '饮水工程', '卫生室标准化'];
    names.forEach((name, i) => ws.addRow([village, name, 'road_hardening', 1_000_000 + i, 10 + i, dayFromToday(-5)]));
    // As a browser sends it: a multipart form with the file in it.
    const res = await http()
      .post('/projects/import')
      .set('Authorization', `Bearer ${token}`)
      .field('note', '2026 年清单')
      .attach('file', Buffer.from(await wb.xlsx.writeBuffer()), { filename: '项目清单.xlsx', contentType: XLSX });
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(3);
    const events = await db.query<{ stream_id: string; envelope: { data: { name: string; budgetFen: number } } }>(
      `select stream_id, envelope from vanguard_outbox where stream_id = any($1) and event_type = 'assistance.ProjectPlanned' order by id`,
      [res.body.projectIds.map((id: string) => `project-${id}`)],
    );
    expect(events.rows.map((r) => r.envelope.data.name)).toEqual(names);
    expect(events.rows[2]!.envelope.data.budgetFen).toBe(1_000_002);
  });

  it('refuses a file with bad rows, naming row, column and reason in Chinese, and plans none of it', async () => {
    const before = await plannedIn(village);
    const res = await send(
      csv([
        [village, '好的一行', 'drinking_water', 500_000, 20, dayFromToday(-1)],
        [village, '', 'drinking_water', 500_000, 20, dayFromToday(-1)],
        [village, '预算不是整数', 'drinking_water', '五十万', 20, dayFromToday(-1)],
        [village, '明天立项', 'drinking_water', 500_000, 20, dayFromToday(3)],
        [otherCountyVillage, '别县的村', 'drinking_water', 500_000, 20, dayFromToday(-1)],
      ]),
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IMPORT.ROWS_REFUSED');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ row: 3, column: 'name', reason: expect.stringContaining('第 3 行项目名称') }),
      // The check that failed in Chinese too, before class-validator's English.
      expect.objectContaining({
        row: 4,
        column: 'budget_fen',
        reason: expect.stringMatching(/^第 4 行预算.*须为整数 \/ budgetFen must be an integer/),
      }),
    ]);
    expect(await plannedIn(village)).toBe(before);

    // With the field errors fixed, the domain's own refusals come back per row, and still nothing is kept.
    const domain = await send(
      csv([
        [village, '好的一行', 'drinking_water', 500_000, 20, dayFromToday(-1)],
        [village, '明天立项', 'drinking_water', 500_000, 20, dayFromToday(3)],
        [otherCountyVillage, '别县的村', 'drinking_water', 500_000, 20, dayFromToday(-1)],
      ]),
    );
    expect(domain.status).toBe(422);
    expect(domain.body.errors).toEqual([
      expect.objectContaining({ row: 3, column: 'planned_on', reason: expect.stringMatching(/^第 3 行：/) }),
      // Another county's village reads as unknown, as everywhere in this service.
      expect.objectContaining({ row: 4, column: 'village_id', reason: expect.stringContaining('不存在或不在您的管辖范围内') }),
    ]);
    expect(await plannedIn(village)).toBe(before);
    expect(await plannedIn(otherCountyVillage)).toBe(0);
  });

  it('reads a header written with the columns’ Chinese labels, 项目名称（name）, as the columns', async () => {
    const before = await plannedIn(village);
    const labelled = [
      '村（village_id）',
      '项目名称（name）',
      '项目类别（category）',
      '预算，单位分（budget_fen）',
      '受益户数（beneficiary_households）',
      '立项日期（planned_on）',
    ];
    const res = await send([labelled, [village, '标签表头', 'drinking_water', 200_000, 8, dayFromToday(-1)]].map(csvLine).join(''));
    expect(res.status).toBe(201);
    expect(await plannedIn(village)).toBe(before + 1);
  });

  it('takes villages by organisation code (village_code) as people know them; an unknown code and another county’s read alike', async () => {
    const codeOf = async (id: string) =>
      (await db.query<{ code: string }>(`select code from roster_organizations where id = $1`, [id])).rows[0]!.code;
    const [mine, theirs] = [await codeOf(village), await codeOf(otherCountyVillage)];
    const rest = (name: string) => [name, 'drinking_water', 300_000, 12, dayFromToday(-2)];
    const file = (header: string[], rows: (string | number)[][]) => [header, ...rows].map(csvLine).join('');
    const byCode = ['village_code', ...HEADER.slice(1)];
    const before = await plannedIn(village);

    const ok = await send(file(byCode, [[mine, ...rest('按代码导入')]]));
    expect(ok.status).toBe(201);
    expect(await plannedIn(village)).toBe(before + 1);

    const unknown = '91042599999999';
    const refused = await send(
      file(byCode, [
        [theirs, ...rest('别县的代码')],
        [unknown, ...rest('没有的代码')],
        ['村一', ...rest('不是代码')],
      ]),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ row: 4, column: 'village_code', reason: expect.stringContaining('2–30 digits') }),
    ]);
    const domain = await send(
      file(byCode, [
        [theirs, ...rest('别县的代码')],
        [unknown, ...rest('没有的代码')],
      ]),
    );
    expect(domain.status).toBe(422);
    const [other, none] = domain.body.errors as { row: number; column: string; reason: string }[];
    expect([other, none].map((e) => [e!.row, e!.column])).toEqual([
      [2, 'village_code'],
      [3, 'village_code'],
    ]);
    // Another county's code tells the uploader no more than a code nobody has.
    expect(other!.reason.replace(theirs, 'X').replace('第 2 行', '')).toBe(none!.reason.replace(unknown, 'X').replace('第 3 行', ''));
    expect(other!.reason).toContain('不存在或不在您的管辖范围内');
    expect(await plannedIn(otherCountyVillage)).toBe(0);

    // A column the format does not know is refused, naming it and the nearest known one; nothing is planned.
    const misspelt = await send(file([...byCode, 'pairing-id'], [[mine, ...rest('拼错的列'), '']]));
    expect([misspelt.status, misspelt.body.code, misspelt.body.errors]).toEqual([
      400,
      'IMPORT.FILE_REFUSED',
      [expect.objectContaining({ row: 1, column: 'pairing-id', reason: expect.stringContaining('did you mean pairing_id?') })],
    ]);
    expect(await plannedIn(village)).toBe(before + 1);

    // Both columns in one file: each row fills one of them, never both, never neither.
    const both = ['village_id', 'village_code', ...HEADER.slice(1)];
    const mixed = await send(
      file(both, [
        [village, '', ...rest('按编号')],
        ['', mine, ...rest('按代码')],
        [village, mine, ...rest('两个都填')],
        ['', '', ...rest('都没填')],
      ]),
    );
    expect(mixed.status).toBe(422);
    expect(mixed.body.errors).toEqual([
      expect.objectContaining({ row: 4, column: 'village_id', reason: expect.stringContaining('只填其一') }),
      expect.objectContaining({ row: 5, column: 'village_id', reason: expect.stringContaining('请填写村') }),
    ]);
    expect(await plannedIn(village)).toBe(before + 1);

    const headless = await send(file(HEADER.slice(1), [rest('无村列')]));
    expect(headless.status).toBe(400);
    expect(headless.body.message).toContain('village_id 或 village_code');
  });

  it('refuses an .xlsx with a formula cell (400, row and column named)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('项目');
    ws.addRow(HEADER);
    ws.addRow([village, '公式预算', 'road_hardening', { formula: '100*100', result: 10_000 }, 5, dayFromToday(-1)]);
    const res = await send(Buffer.from(await wb.xlsx.writeBuffer()), XLSX);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 2, column: 'budget_fen', reason: expect.stringContaining('公式') })]);
  });

  it('refuses a zip bomb quickly, a file that is no spreadsheet by content, and a body over the limit (413)', async () => {
    const bomb = zipOf([{ name: 'xl/worksheets/sheet1.xml', content: Buffer.alloc(64 * 1024 * 1024, 0x20) }]);
    expect(bomb.length).toBeLessThan(maxUploadBytes);
    const started = Date.now();
    const res = await send(bomb, XLSX);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('解压后超过');
    expect(Date.now() - started).toBeLessThan(5_000);

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), Buffer.alloc(100)]);
    const notASheet = await send(png, 'text/csv');
    expect(notASheet.status).toBe(400);
    expect(notASheet.body.message).toContain('文件内容不是');

    const big = await send(Buffer.alloc(maxUploadBytes + 1, 0x41));
    expect(big.status).toBe(413);
  });

  it('lets one user run one import at a time (429 while an upload is still arriving)', async () => {
    const server = app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const first = csvLine(HEADER);
    const slow = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/projects/import',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv', 'Content-Length': first.length + 2 },
    });
    const answered = new Promise<number>((resolve) => slow.on('response', (r) => (r.resume(), resolve(r.statusCode ?? 0))));
    slow.on('error', () => undefined);
    slow.write(first);
    let second: request.Response | undefined;
    const deadline = Date.now() + 10_000;
    // The first upload holds the place once its request reaches the controller; retry until it does.
    while (Date.now() < deadline) {
      second = await send(csv([]));
      if (second.status === 429) break;
    }
    expect(second?.status).toBe(429);
    expect(second?.headers['retry-after']).toBeDefined();
    slow.end('\r\n');
    expect(await answered).toBe(201);
  });
});
