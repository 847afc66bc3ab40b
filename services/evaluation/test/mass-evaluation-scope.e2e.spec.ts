import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const VILLAGE = demoOrgId('910425101201');

/** Who may open a 群众评议 window, and what a refusal gives away. */
describe('mass evaluation scope (e2e)', () => {
  let app: INestApplication;
  const tokens: Record<string, string> = {};
  const open = (user: string, orgId: string) =>
    request(app.getHttpServer())
      .post('/mass-evaluations')
      .set('Authorization', `Bearer ${tokens[user]}`)
      .send({ subject: { kind: 'organization', id: orgId }, orgId, eligibleVoters: 3, opensOn: '2011-06-02', closesOn: '2011-06-09' });

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-06-02'));
    for (const u of ['township.secretary', 'other.township.secretary', 'village.secretary']) tokens[u] = await tokenFor(u);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers another township’s real organisation exactly like an id that does not exist (404)', async () => {
    const elsewhere = await open('other.township.secretary', VILLAGE);
    const unknown = await open('other.township.secretary', '00000000-0000-4000-8000-0000000000aa');
    expect({ status: elsewhere.status, code: elsewhere.body.code }).toEqual({ status: 404, code: 'ORGANIZATION.NOT_FOUND' });
    expect(unknown.status).toBe(elsewhere.status);
    expect(unknown.body.code).toBe(elsewhere.body.code);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(elsewhere.body).sort());
    expect((await open('township.secretary', VILLAGE)).status).toBe(201);
  });
  it('refuses the evaluated organisation running its own ballot box: neither opening nor issuing codes (422)', async () => {
    const own = await open('village.secretary', VILLAGE);
    expect({ status: own.status, code: own.body.code }).toEqual({ status: 422, code: 'MASS_EVALUATION.RUN_FROM_ABOVE' });
    const opened = await open('township.secretary', VILLAGE);
    expect(opened.status).toBe(201);
    const issue = (user: string) =>
      request(app.getHttpServer())
        .post(`/mass-evaluations/${opened.body.windowId}/codes`)
        .set('Authorization', `Bearer ${tokens[user]}`)
        .send({ count: 1, format: 'json' });
    const byBranch = await issue('village.secretary');
    expect({ status: byBranch.status, code: byBranch.body.code }).toEqual({ status: 422, code: 'MASS_EVALUATION.RUN_FROM_ABOVE' });
    const issued = await issue('township.secretary');
    expect(issued.status).toBe(201);
    // The trail: who issued how many, and no code anywhere in it.
    const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ data: Record<string, unknown> }>(
        `select data from evaluation.events_view where stream_id = $1 and type = 'evaluation.BallotCodesIssued'`,
        [`mass-evaluation-${opened.body.windowId}`],
      );
      expect(rows.map((r) => r.data)).toEqual([
        {
          windowId: opened.body.windowId,
          count: 1,
          issuedInAll: 1,
          issuedBy: expect.objectContaining({ sub: expect.any(String), role: 'branch_secretary' }),
        },
      ]);
      expect(JSON.stringify(rows)).not.toContain(issued.body.codes[0]);
    } finally {
      await db.end();
    }
  });

  it('refuses the evaluated organisation closing its own box (422), and the refused close seals nothing: its codes still vote', async () => {
    const opened = await open('township.secretary', VILLAGE);
    expect(opened.status).toBe(201);
    const windowId = opened.body.windowId as string;
    const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
    const issued = await request(app.getHttpServer())
      .post(`/mass-evaluations/${windowId}/codes`)
      .set(as('township.secretary'))
      .send({ count: 2, format: 'json' });
    expect(issued.status).toBe(201);
    const close = (user: string) => request(app.getHttpServer()).post(`/mass-evaluations/${windowId}/close`).set(as(user)).send({});
    const byBranch = await close('village.secretary');
    expect({ status: byBranch.status, code: byBranch.body.code }).toEqual({ status: 422, code: 'MASS_EVALUATION.RUN_FROM_ABOVE' });
    const cast = await request(app.getHttpServer())
      .post(`/mass-evaluations/${windowId}/ballots`)
      .send({ code: issued.body.codes[0], rating: 'satisfied' });
    expect(cast.status).toBe(201);
    const closed = await close('township.secretary');
    expect(closed.status).toBe(200);
    const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ data: { ballotsCast: number; decision: { decidedBy: { role: string } } } }>(
        `select data from evaluation.events_view where stream_id = $1 and type = 'evaluation.MassEvaluationClosed'`,
        [`mass-evaluation-${windowId}`],
      );
      expect(rows.map((r) => [r.data.ballotsCast, r.data.decision.decidedBy.role])).toEqual([[1, 'branch_secretary']]);
    } finally {
      await db.end();
    }
  });
});
