import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { csvLine } from '@vanguard/spreadsheet';
import { rosterLimits } from '../../src/roster-limits.config';
import { createOrganizationTestApp } from '../support/organization-test-app';
import {
  exportQueriesRunning,
  finishedJob,
  listen,
  MEMBER_HEADER,
  openDownload,
  poolIsIdle,
  EXPORT_VILLAGE_MEMBERS,
  sharedExportVillage,
  widenImportBudget,
} from '../support/roster-fixtures';

const BAIHUA = { id: demoOrgId('910425101'), code: '910425101' };
const ROWS = EXPORT_VILLAGE_MEMBERS;
const UPLOAD_DEADLINE_MS = 3_000;
const EXPORT_MAX_MS = 3_000;

/**
 * Clients that never stop but never finish: an upload trickling a row well inside the idle
 * limit, a download read slowly enough never to stall. Each keeps a long-work slot (and, for
 * an export, a connection and a cursor) only up to its overall limit, then is cut and
 * everything it held comes back. The trickle and the slow reader are the hostile load; every
 * wait is on a condition with a deadline.
 */
describe('trickling roster clients', () => {
  let sut: INestApplication;
  let port: number;
  let token: string;
  let uploadDir: string;
  let big: { id: string };
  const statuses: number[] = [];
  const http = () => request(sut.getHttpServer() as Server);

  beforeAll(async () => {
    widenImportBudget();
    uploadDir = await mkdtemp(join(tmpdir(), 'vanguard-trickle-'));
    sut = await createOrganizationTestApp({
      roster: {
        ...rosterLimits({}),
        uploadDir,
        uploadIdleMs: 1_000,
        uploadDeadlineMs: UPLOAD_DEADLINE_MS,
        // Far above the export limit, so a cut can only come from the limit under test.
        streamStallMs: 120_000,
        exportMaxMs: EXPORT_MAX_MS,
      },
    });
    port = await listen(sut);
    token = await tokenFor('province.organizer');
    big = await sharedExportVillage(sut, token);
  }, 300_000);
  afterAll(async () => {
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    await sut.close();
    await rm(uploadDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await waitUntil('no export query left in Postgres', async () => (await exportQueriesRunning(sut)) === 0);
    await waitUntil('every pool connection back and idle', () => poolIsIdle(sut));
    await waitUntil('the upload directory to be empty', async () => (await readdir(uploadDir)).length === 0);
  });

  it('answers 408 to an upload that trickles inside the idle limit past the overall deadline, and frees its slot and file', async () => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/imports/members?format=csv&dryRun=true',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv', 'Content-Length': 1024 * 1024 },
    });
    req.on('error', () => undefined);
    let answer: { status: number; body: string } | undefined;
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (answer = { status: res.statusCode!, body }));
    });
    req.write(csvLine(MEMBER_HEADER));
    // A row every 200 ms: five times inside the 1 s idle limit, so only the overall deadline can end it.
    const trickle = setInterval(() => req.write(csvLine([BAIHUA.code, '张三', 'full', '2001-07-01', '', '', '', ''])), 200);
    try {
      const res = await waitUntil('the trickling upload to be answered', () => answer, { timeoutMs: UPLOAD_DEADLINE_MS * 5 });
      statuses.push(res.status);

      expect(res.status).toBe(408);
      expect(JSON.parse(res.body)).toMatchObject({
        code: 'REQUEST.TIMEOUT',
        errors: [{ field: 'body', reason: expect.stringContaining('within') }],
      });
    } finally {
      clearInterval(trickle);
      req.destroy();
    }
    // The import slot came back: the same user may upload again at once.
    const again = await http()
      .post('/imports/members')
      .query({ format: 'csv', dryRun: 'true' })
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'text/csv')
      .send(csvLine(MEMBER_HEADER) + csvLine([BAIHUA.code, '李四', 'full', '2001-07-01', '', '', '', '']));
    statuses.push(again.status);
    expect(again.status).toBe(202);
    expect(await finishedJob(sut, token, (again.body as { id: string }).id)).toMatchObject({ status: 'succeeded' });
  });

  it('ends a download read steadily but slowly once it runs past the export limit, releasing its query and connection', async () => {
    const d = await openDownload(port, `/exports/members?format=csv&subtreeOf=${big.id}`, token);
    statuses.push(d.status);
    expect(d.status).toBe(200);
    const parts: Buffer[] = [d.first];
    let ended = false;
    d.response.on('data', (c: Buffer) => {
      parts.push(c);
      d.response.pause();
    });
    d.response.on('error', () => undefined);
    d.response.socket.once('close', () => (ended = true));
    // The hostile reader: one chunk every 100 ms, so the server always sees progress and never a stall.
    const reader = setInterval(() => d.response.resume(), 100);
    try {
      // Judged on the server: the kernel's buffers still hold megabytes the slow client has yet to read.
      await waitUntil(
        'the server to end the slow export and release its query and connection while the client still reads',
        async () => !ended && (await exportQueriesRunning(sut)) === 0 && poolIsIdle(sut),
        { timeoutMs: EXPORT_MAX_MS * 3 },
      );
    } finally {
      clearInterval(reader);
    }
    d.response.removeAllListeners('data').on('data', (c: Buffer) => parts.push(c));
    d.response.resume();
    await waitUntil('the client to reach the end of the cut body', () => ended, { timeoutMs: 60_000 });

    // Cut short, not sent in full: fewer lines than the header plus every member.
    expect(Buffer.concat(parts).toString('utf8').split('\r\n').length).toBeLessThan(ROWS + 1);
    const ready = await http().get('/health/ready');
    statuses.push(ready.status);
    expect(ready.status).toBe(200);
  });
});
