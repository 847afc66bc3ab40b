import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import type { ClockPort } from '../src/application/ports/clock.port';
import { createEvaluationTestApp } from './support/evaluation-test-app';
import { recordedPath } from './support/decision-path';

const COUNTY = demoOrgId('910425');
const TOWNSHIP = demoOrgId('910425101');
const VILLAGE = demoOrgId('910425101201');
const COMMANDS = 50;

/** A clock the test moves from day to day (China time), as the service's injected CLOCK. */
const movable = { day: '2011-05-10' };
const clock: ClockPort = { now: () => new Date(`${movable.day}T04:00:00Z`), today: () => movable.day };

/** 领导点评 → 整改 → 销号 or 逾期 through HTTP with real Keycloak tokens; overdue judged against the injected clock. */
describe('leader comments and rectifications (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  const body = (over: Record<string, unknown> = {}) => ({
    orgId: VILLAGE,
    form: 'on_site',
    summary: '现场点评红石村党支部季度工作',
    findings: [
      { problem: '三会一课记录不全', rectification: '补齐记录，建立台账', deadline: '2011-05-31' },
      { problem: '党员活动室未开放', rectification: '每周开放两天', deadline: '2011-06-30' },
    ],
    reason: '季度点评',
    ...over,
  });
  const comment = async () => {
    movable.day = '2011-05-10';
    const res = await http().post('/comments').set(as('township.secretary')).send(body());
    expect(res.status).toBe(201);
    return res.body as { commentId: string; findingIds: [string, string]; version: number };
  };
  const complete = (user: string, commentId: string, findingId: string) =>
    http().post(`/comments/${commentId}/findings/${findingId}/complete`).set(as(user)).send({ reason: '现场核实' });
  const eventsOf = async (commentId: string) =>
    (
      await db.query<{ type: string }>(`select type from evaluation.events where stream_id = $1 order by stream_version`, [
        `comment-${commentId}`,
      ])
    ).rows.map((r) => r.type);
  const viewAt = (commentId: string, version: number) =>
    waitUntil(`comment ${commentId} at version ${version} in the projection`, async () => {
      const res = await http().get(`/comments/${commentId}`).set(as('province.auditor'));
      return res.status === 200 && res.body.version === version
        ? (res.body as { findings: { findingId: string; status: string }[] })
        : undefined;
    });
  const statusOf = async (commentId: string, version: number) =>
    Object.fromEntries((await viewAt(commentId, version)).findings.map((f) => [f.findingId, f.status]));
  const summary = async () => {
    const res = await http().get('/rectifications/summary').query({ subtreeOf: TOWNSHIP }).set(as('province.auditor'));
    expect(res.status).toBe(200);
    return res.body as Record<'total' | 'open' | 'overdue' | 'doneOnTime' | 'doneLate', number>;
  };

  beforeAll(async () => {
    app = await createEvaluationTestApp(clock);
    for (const u of [
      'county.organizer',
      'county.evaluator',
      'township.secretary',
      'other.township.secretary',
      'village.secretary',
      'province.auditor',
    ])
      tokens[u] = await tokenFor(u);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('lets only a leader of an organisation above comment, with findings and deadlines', async () => {
    const { commentId, findingIds } = await comment();
    const view = await viewAt(commentId, 1);
    expect(view).toMatchObject({
      orgId: VILLAGE,
      form: 'on_site',
      madeOn: '2011-05-10',
      decision: {
        decidedBy: { role: 'branch_secretary', orgId: TOWNSHIP },
        rule: { id: 'evaluation.comment.by-leader-above-or-contact-point', version: 1 },
        inputs: recordedPath([demoOrgId('91'), demoOrgId('9104'), COUNTY, TOWNSHIP, VILLAGE]),
      },
    });
    expect(view.findings.map((f) => f.findingId).sort()).toEqual([...findingIds].sort());

    for (const user of ['village.secretary', 'other.township.secretary', 'county.evaluator']) {
      const refused = await http().post('/comments').set(as(user)).send(body());
      expect({ user, status: refused.status, code: refused.body.code }).toEqual({ user, status: 403, code: 'COMMENT.NOT_ENTITLED' });
    }
    const unknownOrg = await http()
      .post('/comments')
      .set(as('county.organizer'))
      .send(body({ orgId: randomUUID() }));
    expect(unknownOrg.status).toBe(404);
    const lateDeadline = await http()
      .post('/comments')
      .set(as('county.organizer'))
      .send(body({ findings: [{ problem: 'p', rectification: 'r', deadline: '2011-05-10' }] }));
    expect(lateDeadline.status).toBe(400);
    expect(lateDeadline.body.code).toBe('COMMENT.BAD_DEADLINE');
    expect((await http().post('/comments').set(as('province.auditor')).send(body())).status).toBe(403);
  });

  it('tracks each rectification to done on time, done late or overdue against today in China, and counts them per subtree', async () => {
    const { commentId, findingIds } = await comment();
    const [first, second] = findingIds;
    movable.day = '2011-06-10';
    expect(await statusOf(commentId, 1)).toEqual({ [first]: 'overdue', [second]: 'open' });
    const before = await summary(); // once the projection holds the comment: the deltas below are this test's own

    const check = await http().post('/comments/overdue-check').set(as('county.organizer'));
    expect(check.status).toBe(200);
    expect(check.body.marked).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(commentId)).toEqual(['evaluation.LeaderCommentMade', 'evaluation.RectificationOverdue']);
    await http().post('/comments/overdue-check').set(as('county.organizer'));
    expect(await eventsOf(commentId)).toHaveLength(2);

    const bySelf = await complete('village.secretary', commentId, first);
    expect([bySelf.status, bySelf.body.code]).toEqual([403, 'COMMENT.NOT_CONFIRMING_LEVEL']);
    expect((await complete('township.secretary', commentId, first)).body).toEqual({ version: 3 });
    const again = await complete('township.secretary', commentId, first);
    expect([again.status, again.body.code]).toEqual([409, 'COMMENT.RECTIFICATION_NOT_OPEN']);
    expect(await statusOf(commentId, 3)).toEqual({ [first]: 'done_late', [second]: 'open' });
    const after = await summary();
    expect({
      overdue: after.overdue - before.overdue,
      doneLate: after.doneLate - before.doneLate,
      total: after.total - before.total,
    }).toEqual({
      overdue: -1,
      doneLate: 1,
      total: 0,
    });

    movable.day = '2011-06-30';
    expect((await complete('county.organizer', commentId, second)).body).toEqual({ version: 4 });
    expect(await statusOf(commentId, 4)).toEqual({ [first]: 'done_late', [second]: 'done_on_time' });

    const lists = await Promise.all(
      (['open', 'overdue', 'done_on_time', 'done_late'] as const).map(async (status) => {
        const res = await http().get('/rectifications').query({ subtreeOf: TOWNSHIP, status, limit: 1 }).set(as('township.secretary'));
        expect(res.status).toBe(200);
        return res.body.total as number;
      }),
    );
    const now = await summary();
    expect(lists).toEqual([now.open, now.overdue, now.doneOnTime, now.doneLate]);
    expect(now.total).toBe(lists.reduce((a, b) => a + b, 0));
  });

  it('answers another township as if the comment did not exist, and refuses bad input with the field', async () => {
    const { commentId, findingIds } = await comment();
    const unknown = randomUUID();
    for (const id of [commentId, unknown]) {
      const post = await complete('other.township.secretary', id, findingIds[0]);
      const get = await http().get(`/comments/${id}`).set(as('other.township.secretary'));
      expect([post.status, post.body.code, get.status, get.body.code]).toEqual([404, 'COMMENT.NOT_FOUND', 404, 'COMMENT.NOT_FOUND']);
    }
    const summaryThere = await http().get('/rectifications/summary').query({ subtreeOf: TOWNSHIP }).set(as('other.township.secretary'));
    expect(summaryThere.status).toBe(403);

    const bad = await http()
      .post('/comments')
      .set(as('township.secretary'))
      .send(body({ form: 'gossip', findings: [{ problem: '', rectification: 'r', deadline: 'soon' }] }));
    expect(bad.status).toBe(400);
    for (const field of ['form', 'problem', 'deadline']) expect(JSON.stringify(bad.body)).toContain(field);
    const badFinding = await http()
      .post(`/comments/${commentId}/findings/nope/complete`)
      .set(as('township.secretary'))
      .send({ reason: 'x' });
    expect(badFinding.status).toBe(400);
    expect(JSON.stringify(badFinding.body)).toContain('findingId');
    const badStatus = await http().get('/rectifications').query({ status: 'late' }).set(as('township.secretary'));
    expect(badStatus.status).toBe(400);
    expect(JSON.stringify(badStatus.body)).toContain('status');
    const list = await http().get('/comments').query({ subtreeOf: COUNTY, limit: 200 }).set(as('province.auditor'));
    expect(list.status).toBe(200);
  });

  it('of fifty concurrent confirmations of one rectification exactly one is recorded, the rest get 409', async () => {
    const { commentId, findingIds } = await comment();
    movable.day = '2011-05-20';
    const answers = await Promise.all(Array.from({ length: COMMANDS }, () => complete('township.secretary', commentId, findingIds[0])));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const losers = answers.filter((a) => a.status !== 200);
    expect(losers.map((a) => a.status)).toEqual(Array(COMMANDS - 1).fill(409));
    for (const a of losers) expect(['STREAM.CONCURRENT_CHANGE', 'COMMENT.RECTIFICATION_NOT_OPEN']).toContain(a.body.code);
    expect(await eventsOf(commentId)).toEqual(['evaluation.LeaderCommentMade', 'evaluation.RectificationCompleted']);
  });
});
