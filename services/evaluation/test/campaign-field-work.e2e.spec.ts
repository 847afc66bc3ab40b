import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { drawUnits } from '@vanguard/evaluation-domain';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { createEvaluationTestApp } from './support/evaluation-test-app';
import { freshTownship } from './support/fresh-orgs';

const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

/**
 * 督导检查 end to end (ADR 0038), real Keycloak tokens: the county draws three of a township's six
 * villages at random, an auditor replays the draw from what the event recorded, a group member records
 * what it found at a drawn village, the rectification is open, then overdue when read past its
 * deadline, then closed late from above — by the comment slice, which has no inspection code.
 */
describe('inspections (e2e)', () => {
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
    app = await createEvaluationTestApp({ now: () => new Date(`${today}T04:00:00Z`), today: () => today });
    for (const u of ['county.organizer', 'county.evaluator', 'township.secretary']) tokens[u] = await tokenFor(u);
    organizer = subOf(tokens['county.organizer']!);
  });
  afterAll(async () => {
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
});
