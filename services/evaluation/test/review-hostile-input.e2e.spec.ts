import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { enrolInRoster } from './support/roster-fixture';

const VILLAGE = demoOrgId('910425101201');

/**
 * What a hostile probe of 民主评议 found, through HTTP with real tokens: years in the path written
 * other than as four digits, reasons made of invisible characters, and a tally of no ballots that
 * locked the real count out.
 */
describe('democratic review refuses hostile input (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  const tokens: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const post = (user: string, path: string, body: object = {}) =>
    http()
      .post(path)
      .set({ Authorization: `Bearer ${tokens[user]}` })
      .send(body);
  const get = (user: string, path: string) =>
    http()
      .get(path)
      .set({ Authorization: `Bearer ${tokens[user]}` });
  const review = (member: string, tail = '') => `/reviews/${member}/2011${tail}`;
  const tally = { excellent: 2, qualified: 6, basicallyQualified: 1, unqualified: 1 };
  const selfAssessed = async () => {
    const member = randomUUID();
    await enrolInRoster(db, VILLAGE, [member]);
    const r = await post('village.secretary', review(member, '/self-assessment'), {
      orgId: VILLAGE,
      selfAssessment: '总结',
      partySpiritAnalysis: '分析',
    });
    expect(r.status).toBe(201);
    return member;
  };

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-12-10'));
    for (const u of ['village.secretary', 'county.organizer']) tokens[u] = await tokenFor(u);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    await enrolInRoster(
      db,
      VILLAGE,
      Array.from({ length: 12 }, () => randomUUID()),
    );
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  // Each was taken for 2025 or 2026 by Number() before the four-digit check (2100 and 1999: outside
  // the years a report can ask for): 400 naming the parameter now.
  it.each(['0x7E9', '0b11111101010', '0o3752', '+2026', '%202026', '2e3', '2026.0', '02026', '2026%20', '2100', '1999'])(
    'refuses the year %s in a review path, naming the parameter (400)',
    async (year) => {
      const member = randomUUID();
      for (const r of [
        await get('county.organizer', `/reviews/${member}/${year}`),
        await get('county.organizer', `/reviews/${member}/${year}/evidence`),
      ])
        expect([r.status, r.body.code, r.body.errors?.[0]?.field]).toEqual([400, 'REQUEST.INVALID', 'year']);
      const opened = await post('village.secretary', `/reviews/${member}/${year}/self-assessment`, {
        orgId: VILLAGE,
        selfAssessment: 'x',
        partySpiritAnalysis: 'y',
      });
      expect([opened.status, opened.body.errors?.[0]?.field]).toEqual([400, 'year']);
    },
  );

  it('refuses a period in an assessment replay path written other than as four digits, and reads one that is (404: none recorded)', async () => {
    const bad = await get('county.organizer', `/assessments/${VILLAGE}/0x7DB/replay`);
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'period']);
    expect((await get('county.organizer', `/assessments/${VILLAGE}/2011/replay`)).status).toBe(404);
    expect((await get('county.organizer', `/reviews/${randomUUID()}/2011`)).status).toBe(404);
  });

  it('refuses a tally of no ballots (422 REVIEW.NO_BALLOTS), and the real count is still taken', async () => {
    const member = await selfAssessed();
    const none = await post('village.secretary', review(member, '/ballots'), {
      tally: { excellent: 0, qualified: 0, basicallyQualified: 0, unqualified: 0 },
    });
    expect([none.status, none.body.code]).toEqual([422, 'REVIEW.NO_BALLOTS']);
    expect((await post('village.secretary', review(member, '/ballots'), { tally })).body).toEqual({ version: 2 });
  });

  it('refuses reasons of invisible characters only (400 naming reason), and a lower grade with no reason (422)', async () => {
    const member = await selfAssessed();
    await post('village.secretary', review(member, '/ballots'), { tally }).expect(200);
    const invisible = await post('village.secretary', review(member, '/conclude'), { grade: 'unqualified', reason: '\u200b\u3000\u2800' });
    expect([invisible.status, invisible.body.code, invisible.body.errors?.[0]?.field]).toEqual([400, 'REQUEST.INVALID', 'reason']);
    const none = await post('village.secretary', review(member, '/conclude'), { grade: 'unqualified' });
    expect([none.status, none.body.code]).toEqual([422, 'REVIEW.GRADE_NOT_BORNE_OUT']);
    expect((await post('village.secretary', review(member, '/conclude'), { grade: 'qualified' })).status).toBe(200);
    const returned = await post('county.organizer', review(member, '/return'), { reason: '\u200b\u2800' });
    expect([returned.status, returned.body.errors?.[0]?.field]).toEqual([400, 'reason']);
  });
});
