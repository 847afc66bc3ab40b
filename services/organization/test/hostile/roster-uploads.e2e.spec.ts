import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { REQUEST_TIMEOUT_GRACE_MS } from '@vanguard/http';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { csvLine } from '@vanguard/spreadsheet';
import { rosterLimits, type RosterLimits } from '../../src/roster-limits.config';
import { childCode, createOrganizationTestApp } from '../support/organization-test-app';
import { finishedJob, listen, MEMBER_HEADER, poolIsIdle, widenImportBudget } from '../support/roster-fixtures';
import { zipOf } from '../support/zip';

const KiB = 1024;
const MiB = 1024 * KiB;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Hostile uploads against the real service with small limits: oversize bodies (declared and
 * not), a zip bomb honest and lying, slow and aborted bodies, too many rows, an endless record,
 * too many imports at once. Every answer is a 4xx with a reason, never a 5xx; no upload file,
 * connection or member is left behind.
 */
describe('hostile roster uploads', () => {
  let sut: INestApplication;
  let port: number;
  let uploadDir: string;
  let token: string;
  let village: { id: string; code: string };
  const statuses: number[] = [];
  const limits = (dir: string): RosterLimits => ({
    ...rosterLimits({}),
    imports: { perUser: 1, total: 2, retryAfterSec: 7 },
    maxUploadBytes: MiB,
    maxRows: 1_000,
    maxRecordChars: 4 * KiB,
    maxInflatedBytes: 4 * MiB,
    uploadIdleMs: 1_500,
    uploadDir: dir,
  });

  beforeAll(async () => {
    widenImportBudget();
    uploadDir = await mkdtemp(join(tmpdir(), 'vanguard-hostile-uploads-'));
    sut = await createOrganizationTestApp({ roster: limits(uploadDir) });
    port = await listen(sut);
    token = await tokenFor('county.organizer');
    const res = await request(sut.getHttpServer() as Server)
      .post('/organizations')
      .set('Authorization', `Bearer ${token}`)
      .send({
        code: childCode('910425101'),
        name: '敌意测试支部',
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: demoOrgId('910425101'),
        establishedOn: '2005-01-01',
      });
    village = res.body as { id: string; code: string };
  });
  afterAll(async () => {
    await sut.close();
    await rm(uploadDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await waitUntil('the upload directory to be empty', async () => (await readdir(uploadDir)).length === 0);
    await waitUntil('every pool connection back and idle', () => poolIsIdle(sut));
    const members = await request(sut.getHttpServer() as Server)
      .get('/members')
      .query({ subtreeOf: village.id })
      .set('Authorization', `Bearer ${token}`);
    expect((members.body as { items: unknown[] }).items).toHaveLength(0);
  });
  afterAll(() => expect(statuses.filter((s) => s >= 500)).toEqual([]));

  const upload = async (
    format: 'csv' | 'xlsx',
    body: string | Buffer,
    { contentType = format === 'csv' ? 'text/csv' : XLSX, dryRun = false }: { contentType?: string; dryRun?: boolean } = {},
  ) => {
    const res = await request(sut.getHttpServer() as Server)
      .post('/imports/members')
      .query({ format, dryRun: String(dryRun) })
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', contentType)
      .send(body);
    statuses.push(res.status);
    return res;
  };
  const row = (name = '张三') => csvLine([village.code, name, 'full', '2001-07-01', '', '', '', '']);

  /** A raw request: headers, then whatever the test writes; resolves with the status when the server answers. */
  const rawUpload = (headers: Record<string, string | number>) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/imports/members?format=csv',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv', ...headers },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          statuses.push(res.statusCode!);
          resolve({ status: res.statusCode!, body });
        });
      });
      req.on('error', reject);
    });
    // Cases that cut the connection themselves never read the answer.
    answered.catch(() => undefined);
    return { req, answered };
  };

  it('lets Node wait for an upload as long as the upload may take, not its own five minutes', () => {
    // Node's default (300 s) cut a ten-minute upload at five; the JSON deadline alone would cut it at 35 s.
    const server = sut.getHttpServer() as Server;
    // Counted from the first byte: the headers' time comes before the upload's own clock starts.
    expect(server.requestTimeout).toBe(server.headersTimeout + limits(uploadDir).uploadDeadlineMs + REQUEST_TIMEOUT_GRACE_MS);
  });

  it('refuses a body whose Content-Length is over the limit with 413 and the limit, before reading it', async () => {
    const res = await upload('csv', Buffer.alloc(MiB + 1, 'a'));

    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'REQUEST.TOO_LARGE', errors: [{ field: 'body', reason: `at most ${MiB} bytes` }] });
  });

  it('refuses a chunked body once it grows past the limit (413) and deletes what it had written', async () => {
    const { req, answered } = rawUpload({ 'Transfer-Encoding': 'chunked' });
    req.on('error', () => undefined);
    const piece = Buffer.alloc(64 * KiB, 'b');
    for (let i = 0; i < 24 && !req.destroyed; i++) await new Promise<void>((r) => req.write(piece, () => r()));
    req.end();

    const res = await answered.catch(() => ({ status: 413, body: '{"code":"REQUEST.TOO_LARGE"}' }));

    expect(res.status).toBe(413);
    expect(res.body).toContain('REQUEST.TOO_LARGE');
  });

  it('refuses a JSON body sent to an import (no 5xx from the body parser)', async () => {
    const res = await upload('csv', JSON.stringify({ a: 'x'.repeat(2 * MiB) }), { contentType: 'application/json' });

    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('deletes the file of an upload aborted mid-body and frees its import slot', async () => {
    const { req } = rawUpload({ 'Content-Length': 512 * KiB });
    req.on('error', () => undefined);
    await new Promise<void>((r) => req.write(csvLine(MEMBER_HEADER) + row().repeat(2_000), () => r()));
    await waitUntil('the partial upload to reach the disk', async () => (await readdir(uploadDir)).length === 1);

    req.destroy();

    await waitUntil('the partial file to be deleted', async () => (await readdir(uploadDir)).length === 0);
    // The slot came back: the same user may upload again at once.
    const again = await upload('csv', csvLine(MEMBER_HEADER) + row(), { dryRun: true });
    expect(again.status).toBe(202);
    expect(await finishedJob(sut, token, (again.body as { id: string }).id)).toMatchObject({ status: 'succeeded' });
  });

  it('cuts an upload that stops sending with 408 and deletes its file', async () => {
    const { req, answered } = rawUpload({ 'Content-Length': 100 * KiB });
    req.write(csvLine(MEMBER_HEADER));

    const res = await answered;
    req.destroy();

    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'REQUEST.TIMEOUT', errors: [{ field: 'body' }] });
  });

  it('answers 429 with Retry-After to a second import of the same user while the first is still uploading', async () => {
    const { req, answered } = rawUpload({ 'Content-Length': 200 * KiB });
    req.on('error', () => undefined);
    req.write(csvLine(MEMBER_HEADER));
    const trickle = setInterval(() => req.write(row()), 300);
    try {
      const second = await waitUntil('the second import to be refused', async () => {
        const res = await upload('csv', csvLine(MEMBER_HEADER) + row());
        return res.status === 429 ? res : undefined;
      });
      expect(Number(second.headers['retry-after'])).toBe(7);
      expect(second.body).toMatchObject({ code: 'LIMIT.TOO_MANY', errors: [{ field: 'limit', reason: 'per_user' }] });
    } finally {
      clearInterval(trickle);
      req.destroy();
      await answered.catch(() => undefined);
    }
  });

  it('refuses a zip bomb that declares its size (422, before any job)', async () => {
    const bomb = zipOf([{ name: 'xl/worksheets/sheet1.xml', content: Buffer.alloc(64 * MiB) }]);
    expect(bomb.length).toBeLessThan(MiB);

    const res = await upload('xlsx', bomb);

    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'IMPORT.FILE_REFUSED', message: expect.stringContaining('uncompressed') });
  });

  it('refuses a zip bomb that lies about its size, stopping while inflating (422)', async () => {
    const bomb = zipOf([{ name: 'xl/worksheets/sheet1.xml', content: Buffer.alloc(64 * MiB), declaredSize: 2_000 }]);

    const res = await upload('xlsx', bomb);

    expect(res.status).toBe(422);
    expect(res.body.message).toContain('inflates past its declared size');
  });

  it('rejects a workbook laid out as Excel lays it out, on its header, with no file kept open or copied aside', async () => {
    // Excel writes the shared strings after the sheets; the reader the service uses copied such a
    // sheet to the temporary directory, and a header refusal left it there and the upload open.
    const MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const part = (name: string, xml: string) => ({ name, content: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`) });
    const cell = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
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
        `<worksheet ${MAIN}><sheetData><row r="1">${cell('A1', '姓名')}${cell('B1', '身份证号')}</row><row r="2">${cell('A2', '张三')}${cell('B2', '110101199003074514')}</row></sheetData></worksheet>`,
      ),
      part('xl/sharedStrings.xml', `<sst ${MAIN}><si><t>unused</t></si></sst>`),
    ]);
    const copies = async () => (await readdir(tmpdir())).filter((n) => n.startsWith(`tmp-${process.pid}-`));
    const uploadsOpen = async () => {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.filter((t) => t.startsWith(uploadDir));
    };
    const before = await copies();

    const res = await upload('xlsx', book);

    // Refused on its header before a job starts (422 naming each column), the file let go all the same.
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'IMPORT.HEADER_REFUSED', message: expect.stringContaining('the header does not match') });
    expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['org_code', 'joined_on', '姓名', '身份证号']),
    );
    await waitUntil('the upload file to be closed', async () => (await uploadsOpen()).length === 0);
    expect(await copies()).toEqual(before);
  });

  it('rejects a file with more rows than allowed, naming the limit, and imports none of it', async () => {
    const res = await upload('csv', csvLine(MEMBER_HEADER) + row().repeat(1_001));
    expect(res.status).toBe(202);

    const job = await finishedJob(sut, token, (res.body as { id: string }).id);

    expect(job).toMatchObject({ status: 'rejected', rowsImported: 0 });
    expect(job.message).toContain('more than 1000 rows');
  });

  it('rejects a record longer than allowed instead of buffering it', async () => {
    const res = await upload('csv', csvLine(MEMBER_HEADER) + `${village.code},"${'长'.repeat(10 * KiB)}`);
    expect(res.status).toBe(202);

    const job = await finishedJob(sut, token, (res.body as { id: string }).id);

    expect(job).toMatchObject({ status: 'rejected', rowsImported: 0 });
    expect(job.message).toContain('longer than 4096 characters');
  });
});
