import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { drawUnits } from '@vanguard/evaluation-domain';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { evaluationConfig } from '../src/evaluation.config';
import { createEvaluationTestApp } from './support/evaluation-test-app';
import { freshTownship } from './support/fresh-orgs';
import { rosterMember } from './support/roster-fixture';

const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

/**
 * Campaign field work end to end (issue 13), real Keycloak tokens. 督导检查 (ADR 0038): the county draws three of a township's six
 * villages at random, an auditor replays the draw from what the event recorded, a group member records
 * what it found at a drawn village, the rectification is open, then overdue when read past its
 * deadline, then closed late from above — by the comment slice, which has no inspection code.
 * 教育培训: a class of the township with two trainees from the roster (an outsider refused),
 * attendance after the end completes one, the counts of the subtree say so, and the trainee's
 * democratic-review evidence pack shows the class.
 */
describe('campaign field work: inspections and training (e2e)', () => {
  let pool: Pool;
  let app: INestApplication;
  let today = '2011-06-01';
  const tokens: Record<string, string> = {};
  let scope: { township: string; villages: string[] };
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  const post = (user: string, path: string, body: object = {}) => http().post(path).set(as(user)).send(body);
  let inspectionId = '';
  let units: string[] = [];
  let organizer = '';

  beforeAll(async () => {
    scope = await freshTownship(6);
    pool = new Pool({ connectionString: evaluationConfig(infraConfig(), 'test').databaseUrl, max: 2 });
    app = await createEvaluationTestApp({ now: () => new Date(`${today}T04:00:00Z`), today: () => today });
    for (const u of ['county.organizer', 'county.evaluator', 'township.secretary']) tokens[u] = await tokenFor(u);
    organizer = subOf(tokens['county.organizer']!);
  });
  afterAll(async () => {
    await pool?.end();
    await app?.close();
  });

  const launch = (user: string, over: object = {}) =>
    post(user, '/inspections', {
      topic: '“三会一课”制度落实情况',
      group: { name: '旗委第一督导检查组', leader: organizer, members: [organizer], scopeOrgId: scope.township },
      kind: 'random',
      count: 3,
      level: 'village',
      reason: '年度督导检查计划',
      ...over,
    });

  it('draws a random inspection’s units with a recorded seed, and the draw replays from the record alone', async () => {
    const tooMany = await launch('county.organizer', { count: 7 });
    expect([tooMany.status, tooMany.body.code]).toEqual([422, 'INSPECTION.TOO_FEW_CANDIDATES']);
    const noCount = await launch('county.organizer', { count: undefined });
    expect(noCount.status).toBe(400);
    expect(JSON.stringify(noCount.body)).toContain('count');
    const outside = await launch('township.secretary');
    expect(outside.status).toBe(403);

    const launched = await launch('county.organizer');
    expect(launched.status).toBe(201);
    ({ inspectionId, units } = launched.body as { inspectionId: string; units: string[] });
    expect(units).toHaveLength(3);
    units.forEach((u) => expect(scope.villages).toContain(u));

    const read = await http().get(`/inspections/${inspectionId}`).set(as('county.evaluator'));
    expect(read.status).toBe(200);
    const { draw, decision } = read.body as {
      draw: { seed: string; candidates: { orgId: string }[]; count: number; algorithm: string };
      decision: { decidedBy: { sub: string }; rule: { id: string } };
    };
    expect(draw.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(draw.candidates.map((c) => c.orgId)).toEqual([...scope.villages].sort());
    expect(decision).toMatchObject({ decidedBy: { sub: organizer }, rule: { id: 'evaluation.inspection.launched-by-leader-over-scope' } });
    // The auditor's replay needs nothing but the record and the pure function.
    expect(drawUnits(draw.seed, draw.candidates as { orgId: string; version: number }[], draw.count)).toEqual(units);
    const replay = await http().get(`/inspections/${inspectionId}/draw/replay`).set(as('county.evaluator'));
    expect(replay.body).toMatchObject({ seed: draw.seed, candidates: 6, recorded: units, replayed: units, matches: true });

    const hidden = await http().get(`/inspections/${inspectionId}`).set(as('township.secretary'));
    expect(hidden.status).toBe(404);
  });

  const findings = [{ problem: '三会一课记录不全', rectification: '补齐会议记录并按月公示', deadline: '2011-07-01' }];
  let commentId = '';

  it('records findings at a drawn unit by a group member only, and their rectification goes overdue undone', async () => {
    today = '2011-06-05';
    const body = { orgId: units[0], summary: '现场检查发现的问题', findings, reason: '现场查阅会议记录' };
    const notMember = await post('county.evaluator', `/inspections/${inspectionId}/findings`, body);
    expect([notMember.status, notMember.body.code]).toEqual([403, 'INSPECTION.NOT_GROUP_MEMBER']);
    const notDrawn = scope.villages.find((v) => !units.includes(v))!;
    const elsewhere = await post('county.organizer', `/inspections/${inspectionId}/findings`, { ...body, orgId: notDrawn });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([422, 'INSPECTION.UNIT_NOT_INSPECTED']);

    const recorded = await post('county.organizer', `/inspections/${inspectionId}/findings`, body);
    expect(recorded.status).toBe(201);
    commentId = recorded.body.commentId as string;

    const view = () => http().get(`/comments/${commentId}`).set(as('county.organizer'));
    const open = await waitUntil('the comment projection to hold the inspection’s findings', async () => {
      const r = await view();
      return r.status === 200
        ? (r.body as { form: string; inspectionId: string; orgId: string; findings: { status: string }[] })
        : undefined;
    });
    expect(open).toMatchObject({ form: 'inspection', inspectionId, orgId: units[0], findings: [{ status: 'open' }] });
    today = '2011-07-02';
    expect((await view()).body.findings[0]).toMatchObject({ status: 'overdue', deadline: '2011-07-01' });

    // Closed from above, late: the comment slice's own confirmation.
    today = '2011-07-05';
    const findingId = recorded.body.findingIds[0] as string;
    const done = await post('county.organizer', `/comments/${commentId}/findings/${findingId}/complete`, { reason: '复查整改到位' });
    expect(done.status).toBe(200);
    const closed = await waitUntil('the rectification to read as done late', async () => {
      const f = (await view()).body.findings[0] as { status: string };
      return f.status === 'done_late' ? f : undefined;
    });
    expect(closed).toMatchObject({ status: 'done_late', completedOn: '2011-07-05' });
  });

  it('refuses a day that does not exist with 400 naming the field (such a day in an event once stopped every read model)', async () => {
    const impossible = await post('county.organizer', '/training-classes', {
      orgId: scope.township,
      topic: '培训班',
      base: '党校',
      targetGroup: 'branch_secretaries',
      startsOn: '2011-02-30',
      endsOn: '2011-02-31',
      sessions: 1,
      reason: '计划',
    });
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['endsOn', 'startsOn']);
    const counts = await http()
      .get(`/training/counts?subtreeOf=${scope.township}&from=2011-13-45&to=2011-12-31`)
      .set(as('county.organizer'));
    expect([counts.status, counts.body.errors?.[0]?.field]).toEqual([400, 'from']);
    // A period that ends before it begins is a mistake to name, not a period with nothing in it.
    const backwards = await http()
      .get(`/training/counts?subtreeOf=${scope.township}&from=2027-01-01&to=2026-01-01`)
      .set(as('county.organizer'));
    expect([backwards.status, backwards.body.errors?.[0]?.field]).toEqual([400, 'to']);
  });

  it('runs a class with trainees from the roster, counts it for the subtree, and shows it in a trainee’s evidence pack', async () => {
    today = '2011-06-10';
    const [m1, m2] = [await rosterMember(pool, scope.villages[0]!), await rosterMember(pool, scope.villages[1]!)];
    const outsider = await rosterMember(pool, demoOrgId('910425101201'));
    const opened = await post('county.organizer', '/training-classes', {
      orgId: scope.township,
      topic: '新任村党组织书记培训班',
      base: '松岭旗委党校',
      targetGroup: 'branch_secretaries',
      startsOn: '2011-06-20',
      endsOn: '2011-06-24',
      sessions: 10,
      reason: '年度培训计划',
    });
    expect(opened.status).toBe(201);
    const classId = opened.body.classId as string;
    const enrol = (memberIds: string[]) =>
      post('county.organizer', `/training-classes/${classId}/trainees`, { memberIds, reason: '按花名册报名' });
    const refused = await enrol([outsider]);
    expect([refused.status, refused.body.code]).toEqual([422, 'TRAINING.NOT_ON_ROSTER']);
    expect((await enrol([m1, m2])).status).toBe(201);

    today = '2011-06-25';
    const attended = await post('county.organizer', `/training-classes/${classId}/attendance`, {
      attendance: [
        { memberId: m1, sessionsAttended: 9 },
        { memberId: m2, sessionsAttended: 5 },
      ],
      reason: '结业考勤',
    });
    expect(attended.status).toBe(200);

    const counts = await waitUntil('the training projection to count the class', async () => {
      const r = await http().get(`/training/counts?subtreeOf=${scope.township}&from=2011-01-01&to=2011-12-31`).set(as('county.organizer'));
      return r.body.completed === 1 ? (r.body as { classes: number; trainees: number; completed: number }) : undefined;
    });
    expect(counts).toMatchObject({ classes: 1, trainees: 2, completed: 1 });

    const self = await post('county.organizer', `/reviews/${m1}/2011/self-assessment`, {
      orgId: scope.villages[0],
      selfAssessment: '参加书记培训',
      partySpiritAnalysis: '学习不够系统',
    });
    expect(self.status).toBe(201);
    const pack = (await http().get(`/reviews/${m1}/2011/evidence`).set(as('county.organizer'))).body as { items: object[] };
    expect(pack.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'training',
          kind: 'training.completed',
          streamId: `training-class-${classId}`,
          on: '2011-06-24',
          facts: expect.objectContaining({ targetGroup: 'branch_secretaries', sessionsAttended: 9, completed: true }),
        }),
      ]),
    );
  });
});
