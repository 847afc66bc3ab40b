import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp, prepareEvaluationTestDatabase } from './support/evaluation-test-app';
import { recordedPath } from './support/decision-path';
import { freshTownship } from './support/fresh-orgs';

const COUNTY = demoOrgId('910425');
const strong = { leadership: 19, membership: 18, mechanism: 17, performance: 18, reputation: 18 }; // 90: advanced, 4 stars
const middling = { leadership: 15, membership: 14, mechanism: 14, performance: 13, reputation: 14 }; // 70: middle, 2 stars

/** 五个好 through HTTP with real tokens: tiers and stars by rule version 1, tier changes reported per subtree and period. */
describe('organisation assessment (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let org: { township: string; villages: string[] };
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  const assess = (user: string, orgId: string, body: object) => http().post(`/assessments/${orgId}`).set(as(user)).send(body);

  beforeAll(async () => {
    await prepareEvaluationTestDatabase();
    org = await freshTownship(4);
    app = await createEvaluationTestApp(clockOn('2011-12-20'));
    for (const u of ['county.evaluator', 'county.organizer', 'other.township.secretary', 'village.secretary', 'province.auditor'])
      tokens[u] = await tokenFor(u);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('assesses by the rule in force, records moves up and down, and reports them per subtree and period', async () => {
    const [a, b, c] = org.villages as [string, string, string];
    for (const [orgId, s2010, s2011] of [
      [a, middling, strong],
      [b, strong, middling],
      [c, middling, middling],
    ] as const) {
      expect((await assess('county.evaluator', orgId, { period: '2010', scores: s2010, reason: '年度考评' })).body).toEqual({ version: 1 });
      expect((await assess('county.evaluator', orgId, { period: '2011', scores: s2011, reason: '年度考评' })).status).toBe(201);
    }
    const { rows } = await db.query<{ type: string; data: Record<string, unknown> }>(
      `select type, canonical::jsonb -> 'data' as data from evaluation.events where stream_id = $1 order by stream_version`,
      [`assessment-${a}`],
    );
    expect(rows.map((r) => r.type)).toEqual([
      'evaluation.OrganizationAssessed',
      'evaluation.OrganizationAssessed',
      'evaluation.TierChanged',
    ]);
    expect(rows[1]!.data).toMatchObject({
      period: '2011',
      total: 90,
      tier: 'advanced',
      starRating: 4,
      assessedOn: '2011-12-20',
      decision: {
        decidedBy: { role: 'evaluator', orgId: COUNTY },
        inputs: [
          { streamId: `assessment-${a}`, version: 1 },
          ...recordedPath([demoOrgId('91'), demoOrgId('9104'), COUNTY, org.township, a]),
        ],
        checks: [
          { id: 'evaluation.assessment.by-level-above', version: 1 },
          { id: 'evaluation.assessment.periods-in-order', version: 1 },
          { id: 'evaluation.period-has-begun', version: 1 },
        ],
        rule: { id: 'evaluation.assessment.tier', version: 1 },
        reason: '年度考评',
      },
    });
    expect(rows[2]!.data).toEqual({ orgId: a, period: '2011', from: 'middle', to: 'advanced', direction: 'up' });

    const report = await waitUntil('the projection to report the 2011 changes', async () => {
      const r = await http()
        .get('/assessments/tier-changes')
        .query({ period: '2011', subtreeOf: org.township })
        .set(as('province.auditor'));
      return r.status === 200 && r.body.assessed === 3 && r.body.changes.length === 2 ? (r.body as Record<string, unknown>) : undefined;
    });
    expect(report).toEqual({
      subtreeOf: org.township,
      period: '2011',
      assessed: 3,
      up: 1,
      down: 1,
      byTier: { advanced: 1, middle: 2, lagging: 0 },
      changes: [
        { orgId: a, period: '2011', from: 'middle', to: 'advanced', direction: 'up' },
        { orgId: b, period: '2011', from: 'advanced', to: 'middle', direction: 'down' },
      ],
    });
    const history = await http().get(`/assessments/${a}`).set(as('county.organizer'));
    expect(
      history.body.map((v: { period: string; tier: string; previousTier: string | null }) => [v.period, v.tier, v.previousTier]),
    ).toEqual([
      ['2010', 'middle', null],
      ['2011', 'advanced', 'middle'],
    ]);
    const list = await http().get('/assessments').query({ period: '2010', subtreeOf: org.township }).set(as('county.organizer'));
    expect(list.body.total).toBe(3);
    const replay = await http().get(`/assessments/${b}/2011/replay`).set(as('province.auditor'));
    expect(replay.body).toMatchObject({ rule: { version: 1 }, recorded: { tier: 'middle', starRating: 2 }, matches: true });
  });

  it('refuses by rule: a period once (409), a year before one assessed (409), a year to come (422), only a level above (403)', async () => {
    const d = org.villages[3]!;
    expect((await assess('county.evaluator', d, { period: '2010', scores: strong })).status).toBe(201);
    const again = await assess('county.evaluator', d, { period: '2010', scores: middling });
    expect([again.status, again.body.code]).toEqual([409, 'ASSESSMENT.PERIOD_DONE']);
    // The clock reads 2011-12-20: 2012 has not begun; 2009 comes before the 2010 already assessed.
    const ahead = await assess('county.evaluator', d, { period: '2012', scores: strong });
    expect([ahead.status, ahead.body.code]).toEqual([422, 'PERIOD.NOT_BEGUN']);
    const earlier = await assess('county.evaluator', d, { period: '2009', scores: strong });
    expect([earlier.status, earlier.body.code]).toEqual([409, 'ASSESSMENT.LATER_PERIOD_ASSESSED']);
    // A year no one assesses 松岭旗 for (the demo seed records 2009 and 2010): the level rule answers, not the period rule.
    const self = await assess('county.evaluator', COUNTY, { period: '2031', scores: strong });
    expect([self.status, self.body.code]).toEqual([403, 'ASSESSMENT.NOT_LEVEL_ABOVE']);
  });

  it('answers 404 alike for an organisation that is not there and one that is not yours', async () => {
    const [a] = org.villages as [string];
    const missing = randomUUID();
    for (const [user, orgId] of [
      ['other.township.secretary', a],
      ['village.secretary', a],
      ['county.evaluator', missing],
    ] as const) {
      const cmd = await assess(user, orgId, { period: '2012', scores: strong });
      const read = await http().get(`/assessments/${orgId}`).set(as(user));
      const replay = await http().get(`/assessments/${orgId}/2010/replay`).set(as(user));
      for (const res of [cmd, read, replay]) expect([user, res.status, res.body.code]).toEqual([user, 404, 'ASSESSMENT.NOT_FOUND']);
    }
    const theirs = await http()
      .get('/assessments/tier-changes')
      .query({ period: '2011', subtreeOf: org.township })
      .set(as('village.secretary'));
    expect(theirs.status).toBe(403);
  });

  it.each([
    [{ period: '11', scores: strong }, 'period'],
    [{ period: '2011' }, 'scores'],
    [{ period: '2011', scores: { ...strong, leadership: 21 } }, 'scores.leadership'],
    [{ period: '2011', scores: strong, satisfactionWindowId: 'w' }, 'satisfactionWindowId'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await assess('county.evaluator', org.villages[0]!, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers 400 naming the field for a bad id or period in the path', async () => {
    expect((await http().get('/assessments/x').set(as('county.organizer'))).body.errors[0].field).toBe('orgId');
    expect((await http().get(`/assessments/${COUNTY}/20x1/replay`).set(as('county.organizer'))).body.errors[0].field).toBe('period');
    expect((await http().get('/assessments/tier-changes').query({ period: 'x' }).set(as('county.organizer'))).body.errors[0].field).toBe(
      'period',
    );
  });

  it('takes exactly one of fifty concurrent assessments of one organisation and period; the rest get 409', async () => {
    const orgId = org.township; // never assessed by the other cases
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        assess('county.evaluator', orgId, { period: '2011', scores: i % 2 ? strong : middling }).then((r) => ({
          status: r.status,
          code: r.body.code as unknown,
        })),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const losers = answers.filter((a) => a.status !== 201);
    expect(losers.map((a) => a.status)).toEqual(Array(49).fill(409));
    for (const a of losers) expect(['STREAM.CONCURRENT_CHANGE', 'ASSESSMENT.PERIOD_DONE']).toContain(a.code);
    const { rows } = await db.query(`select 1 from evaluation.events where stream_id = $1`, [`assessment-${orgId}`]);
    expect(rows).toHaveLength(1);
  });
});
