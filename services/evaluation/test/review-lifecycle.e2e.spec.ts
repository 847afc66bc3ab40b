import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { openCampaign } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { enrolInRoster } from './support/roster-fixture';
import { recordedPath } from './support/decision-path';

const VILLAGE = demoOrgId('910425101201');
const TOWNSHIP = demoOrgId('910425101');
const CITY = demoOrgId('9104');

/**
 * 民主评议党员 through HTTP with real Keycloak tokens: self-assessment, ballots, the branch's
 * conclusion on an evidence pack derived from recorded pledges, approval or return above.
 */
describe('democratic review (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  let campaign: { campaignId: string; cycleId: string };

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    const users = [
      'county.organizer',
      'township.secretary',
      'other.township.secretary',
      'village.secretary',
      'city.reviewer',
      'province.auditor',
      'county.editor',
    ];
    for (const u of users) tokens[u] = await tokenFor(u);
    campaign = await openCampaign(app, tokens['county.organizer']!);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    // Peers in the village to cast the ballots (a tally cannot outnumber the branch's active members).
    await enrolInRoster(
      db,
      VILLAGE,
      Array.from({ length: 25 }, () => randomUUID()),
    );
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  const review = (member: string, tail = '') => `/reviews/${member}/2011${tail}`;
  const post = (user: string, path: string, body: object = {}) => http().post(path).set(as(user)).send(body);
  const events = async (member: string) =>
    (
      await db.query<{ type: string; data: Record<string, unknown> }>(
        `select type, canonical::jsonb -> 'data' as data from evaluation.events where stream_id = $1 order by stream_version`,
        [`review-${member}-2011`],
      )
    ).rows;
  /** The member's self-assessment in the village, where the roster has them active (unless `enrol` is false). */
  const selfAssess = async (member: string, user = 'village.secretary', enrol = true) => {
    if (enrol) await enrolInRoster(db, VILLAGE, [member]);
    return post(user, review(member, '/self-assessment'), {
      orgId: VILLAGE,
      selfAssessment: '带头兑现承诺',
      partySpiritAnalysis: '学习不够深入',
    });
  };
  const tally = { excellent: 12, qualified: 6, basicallyQualified: 1, unqualified: 0 };

  /** A member's pledge run to fulfilled or lapsed, and the projection caught up with it. */
  async function memberPledge(member: string, outcome: 'fulfil' | 'lapse'): Promise<{ pledgeId: string; version: number }> {
    await enrolInRoster(db, VILLAGE, [member]);
    const made = await post('village.secretary', '/pledges', {
      ...campaign,
      pledger: { kind: 'member', id: member },
      orgId: VILLAGE,
      category: 'deed_for_masses',
      content: outcome === 'fulfil' ? '帮扶两户困难群众' : '带头学习一门实用技术',
      dueOn: '2011-06-20',
    });
    expect(made.status).toBe(201);
    const id = made.body.pledgeId as string;
    for (const [user, verb] of [
      ['township.secretary', 'file'],
      ['village.secretary', 'publish'],
      ['township.secretary', outcome],
    ] as const)
      expect((await post(user, `/pledges/${id}/${verb}`, { reason: '经查验' })).status).toBe(200);
    await waitUntil('the pledge projection to close the pledge', async () => {
      const r = await http().get(`/pledges/${id}`).set(as('village.secretary'));
      return r.body.version === 4;
    });
    return { pledgeId: id, version: 4 };
  }

  it('concludes on the evidence pack it read and is approved above; every decision explains itself', async () => {
    const member = randomUUID();
    const kept = await memberPledge(member, 'fulfil');
    const lapsed = await memberPledge(member, 'lapse');

    expect((await selfAssess(member)).body).toEqual({ version: 1 });
    const pack = await http().get(review(member, '/evidence')).set(as('township.secretary'));
    expect(pack.status).toBe(200);
    expect(pack.body).toMatchObject({
      memberId: member,
      orgId: VILLAGE,
      year: 2011,
      sources: ['pledge', 'rectification', 'mass_rating', 'training'],
    });
    const byStream = Object.fromEntries((pack.body.items as { streamId: string }[]).map((i) => [i.streamId, i]));
    expect(byStream[`pledge-${kept.pledgeId}`]).toMatchObject({ kind: 'pledge.fulfilled', version: kept.version, on: '2011-06-20' });
    expect(byStream[`pledge-${lapsed.pledgeId}`]).toMatchObject({ kind: 'pledge.lapsed', version: lapsed.version });
    expect(pack.body.items).toHaveLength(2);

    expect((await post('village.secretary', review(member, '/ballots'), { tally })).body).toEqual({ version: 2 });
    const notBorneOut = await post('village.secretary', review(member, '/conclude'), { grade: 'unqualified' });
    expect([notBorneOut.status, notBorneOut.body.code]).toEqual([422, 'REVIEW.GRADE_NOT_BORNE_OUT']);
    const concluded = await post('village.secretary', review(member, '/conclude'), { grade: 'excellent', reason: '优秀票过半' });
    expect(concluded.body).toEqual({ version: 3 });

    // The branch cannot approve its own conclusion; an editor has no say.
    expect((await post('village.secretary', review(member, '/approve'))).status).toBe(403);
    expect((await post('county.editor', review(member, '/approve'))).status).toBe(403);
    const approved = await post('city.reviewer', review(member, '/approve'), { reason: '同意支部意见' });
    expect(approved.body).toEqual({ version: 4 });

    const [, , conclusion, approval] = await events(member);
    expect(conclusion).toMatchObject({
      type: 'evaluation.ReviewConcluded',
      data: {
        grade: 'excellent',
        decision: {
          decidedBy: { sub: expect.any(String), role: 'branch_secretary', orgId: VILLAGE },
          rule: { id: 'evaluation.review.grade-borne-out', version: 2 },
          reason: '优秀票过半',
        },
      },
    });
    // The review at the version that carries the tally, the pack's streams at the versions read, the branch's path.
    expect(new Set((conclusion!.data['decision'] as { inputs: unknown[] }).inputs)).toEqual(
      new Set([
        { streamId: `review-${member}-2011`, version: 2 },
        ...(pack.body.inputs as object[]),
        ...recordedPath([demoOrgId('91'), CITY, demoOrgId('910425'), TOWNSHIP, VILLAGE]),
      ]),
    );
    expect(pack.body.inputs).toHaveLength(2);
    expect(approval).toMatchObject({
      type: 'evaluation.ReviewApproved',
      data: {
        grade: 'excellent',
        decision: { decidedBy: { role: 'reviewer', orgId: CITY }, rule: { id: 'evaluation.review.approved-above' } },
      },
    });

    const view = await waitUntil('the review projection to reach the approval', async () => {
      const r = await http().get(review(member)).set(as('province.auditor'));
      return r.status === 200 && r.body.version === 4 ? (r.body as Record<string, unknown>) : undefined;
    });
    expect(view).toEqual({
      memberId: member,
      year: 2011,
      orgId: VILLAGE,
      status: 'approved',
      tally,
      criteria: null,
      grade: 'excellent',
      approved: true,
      returnedCount: 0,
      version: 4,
    });
    const list = await http().get('/reviews').query({ year: 2011, subtreeOf: TOWNSHIP, status: 'approved' }).set(as('county.organizer'));
    expect(list.status).toBe(200);
    expect((list.body.items as { memberId: string }[]).map((i) => i.memberId)).toContain(member);
  });

  it('is returned with a reason and concluded again; a return without a reason is refused', async () => {
    const member = randomUUID();
    await selfAssess(member);
    await post('village.secretary', review(member, '/ballots'), { tally: { ...tally, excellent: 2 } });
    expect((await post('village.secretary', review(member, '/conclude'), { grade: 'excellent' })).status).toBe(422);
    expect((await post('village.secretary', review(member, '/conclude'), { grade: 'qualified' })).status).toBe(200);
    const blank = await post('county.organizer', review(member, '/return'), { reason: ' ' });
    expect([blank.status, blank.body.code, blank.body.errors?.[0]?.field]).toEqual([400, 'REQUEST.INVALID', 'reason']);
    const bare = await post('county.organizer', review(member, '/return'));
    expect([bare.status, bare.body.code]).toEqual([400, 'REVIEW.REASON_REQUIRED']);
    // The village concluded; the county (above it) returns.
    expect((await post('county.organizer', review(member, '/return'), { reason: '请补充测评情况' })).body).toEqual({ version: 4 });
    expect((await post('city.reviewer', review(member, '/approve'))).body.code).toBe('REVIEW.NOT_CONCLUDED');
    expect((await post('village.secretary', review(member, '/conclude'), { grade: 'qualified', reason: '补充后评定' })).body).toEqual({
      version: 5,
    });
    expect((await events(member)).map((e) => e.type).slice(3)).toEqual(['evaluation.ReviewReturned', 'evaluation.ReviewConcluded']);
    await waitUntil('the projection to count the return', async () => {
      const r = await http().get(review(member)).set(as('village.secretary'));
      return r.body.version === 5 && r.body.returnedCount === 1 && r.body.status === 'concluded';
    });
  });

  it('is not run by one person alone: only the member’s branch counts and concludes, a level above approves', async () => {
    const member = randomUUID();
    await enrolInRoster(db, VILLAGE, [member]);
    expect((await selfAssess(member, 'county.organizer')).status).toBe(201);
    const ballots = await post('county.organizer', review(member, '/ballots'), { tally });
    expect([ballots.status, ballots.body.code]).toEqual([403, 'REVIEW.NOT_THE_BRANCH']);
    const township = await post('township.secretary', review(member, '/ballots'), { tally });
    expect([township.status, township.body.code]).toEqual([403, 'REVIEW.NOT_THE_BRANCH']);
    expect((await post('village.secretary', review(member, '/ballots'), { tally })).status).toBe(200);
    const concluded = await post('county.organizer', review(member, '/conclude'), { grade: 'excellent', reason: '过半' });
    expect([concluded.status, concluded.body.code]).toEqual([403, 'REVIEW.NOT_THE_BRANCH']);
    expect((await events(member)).map((e) => e.type)).toEqual(['evaluation.SelfAssessmentSubmitted', 'evaluation.PeerBallotsTallied']);
  });

  it('refuses more ballots than the branch has active members, and records the number it counted against', async () => {
    const member = randomUUID();
    await selfAssess(member);
    const activeInVillage = async () =>
      Number(
        (
          await db.query<{ n: string }>(`select count(*) as n from evaluation.roster_members where org_id = $1 and membership = 'active'`, [
            VILLAGE,
          ])
        ).rows[0]!.n,
      );
    const n = await activeInVillage();
    const tooMany = await post('village.secretary', review(member, '/ballots'), {
      tally: { excellent: n + 1, qualified: 0, basicallyQualified: 0, unqualified: 0 },
    });
    expect([tooMany.status, tooMany.body.code]).toEqual([422, 'REVIEW.TOO_MANY_BALLOTS']);
    expect((await post('village.secretary', review(member, '/ballots'), { tally })).status).toBe(200);
    const [, tallied] = await events(member);
    expect(tallied).toMatchObject({ type: 'evaluation.PeerBallotsTallied', data: { tally, activeMembers: await activeInVillage() } });
  });

  it('counts the ballots on the five models with the grades; no model on more ballots than were cast', async () => {
    const member = randomUUID();
    await selfAssess(member);
    // 19 ballots cast; a ballot may leave a model blank.
    const criteria = {
      learning: { met: 15, partlyMet: 4, notMet: 0 },
      policy: { met: 17, partlyMet: 2, notMet: 0 },
      service: { met: 12, partlyMet: 5, notMet: 1 },
      dedication: { met: 16, partlyMet: 2, notMet: 0 },
      discipline: { met: 19, partlyMet: 0, notMet: 0 },
    };
    const over = await post('village.secretary', review(member, '/ballots'), {
      tally,
      criteria: { ...criteria, service: { met: 12, partlyMet: 7, notMet: 1 } },
    });
    expect([over.status, over.body.code]).toEqual([422, 'REVIEW.CRITERIA_EXCEED_BALLOTS']);
    expect(over.body.message).toContain('evaluation.review.criteria-within-ballots');
    expect((await post('village.secretary', review(member, '/ballots'), { tally, criteria: { ...criteria, extra: 1 } })).status).toBe(400);
    expect((await post('village.secretary', review(member, '/ballots'), { tally, criteria })).status).toBe(200);
    const [, tallied] = await events(member);
    expect(tallied).toMatchObject({ type: 'evaluation.PeerBallotsTallied', data: { tally, criteria } });
    const view = await waitUntil('the review view to show the models', async () => {
      const r = await http().get(review(member)).set(as('village.secretary'));
      return r.body.version === 2 ? (r.body as Record<string, unknown>) : undefined;
    });
    expect(view).toMatchObject({ status: 'tallied', tally, criteria });
  });

  it('answers 404 alike for a review that does not exist and one of another township', async () => {
    const member = randomUUID();
    await selfAssess(member);
    const missing = randomUUID();
    for (const [path, verb] of [
      ['', 'get'],
      ['/evidence', 'get'],
      ['/ballots', 'post'],
      ['/conclude', 'post'],
    ] as const) {
      const theirs =
        verb === 'get'
          ? await http().get(review(member, path)).set(as('other.township.secretary'))
          : await post('other.township.secretary', review(member, path), path === '/ballots' ? { tally } : { grade: 'qualified' });
      const none =
        verb === 'get'
          ? await http().get(review(missing, path)).set(as('village.secretary'))
          : await post('village.secretary', review(missing, path), path === '/ballots' ? { tally } : { grade: 'qualified' });
      expect([path, theirs.status, theirs.body.code]).toEqual([path, 404, 'REVIEW.NOT_FOUND']);
      expect([path, none.status, none.body.code]).toEqual([path, 404, 'REVIEW.NOT_FOUND']);
    }
    // Starting it again from another township, or in a branch outside one's subtree, reveals nothing either.
    const again = await post('other.township.secretary', review(member, '/self-assessment'), {
      orgId: demoOrgId('910425102'),
      selfAssessment: 'x',
      partySpiritAnalysis: 'y',
    });
    expect([again.status, again.body.code]).toEqual([404, 'REVIEW.NOT_FOUND']);
    expect((await selfAssess(randomUUID(), 'other.township.secretary')).status).toBe(404);
    // A list of a subtree outside the caller's own is refused.
    expect((await http().get('/reviews').query({ year: 2011, subtreeOf: TOWNSHIP }).set(as('other.township.secretary'))).status).toBe(403);
    expect((await selfAssess(member)).body.code).toBe('REVIEW.ALREADY_STARTED');
  });

  it('opens a review only in the branch the roster has the member active in; another township cannot take it over', async () => {
    const member = randomUUID();
    await enrolInRoster(db, VILLAGE, [member]);
    const elsewhere = demoOrgId('910425102');
    const taken = await post('other.township.secretary', review(member, '/self-assessment'), {
      orgId: elsewhere,
      selfAssessment: '冒名总结',
      partySpiritAnalysis: '冒名分析',
    });
    expect([taken.status, taken.body.code]).toEqual([404, 'REVIEW.NOT_FOUND']);
    expect(await events(member)).toEqual([]);
    // A member the roster does not know is refused alike, in the caller's own branch too.
    const stranger = await selfAssess(randomUUID(), 'village.secretary', false);
    expect([stranger.status, stranger.body.code]).toEqual([404, 'REVIEW.NOT_FOUND']);
    // The member's own branch still opens it.
    expect((await selfAssess(member)).status).toBe(201);
    expect((await http().get(review(member)).set(as('other.township.secretary'))).status).toBe(404);
  });

  it.each([
    ['/reviews/not-a-uuid/2011', 'memberId'],
    [`/reviews/${randomUUID()}/11`, 'year'],
    [`/reviews/${randomUUID()}/3000/evidence`, 'year'],
  ])('answers 400 naming the field for GET %s', async (path, field) => {
    const res = await http().get(path).set(as('village.secretary'));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it.each([
    ['/self-assessment', { orgId: VILLAGE, selfAssessment: '', partySpiritAnalysis: 'y' }, 'selfAssessment'],
    ['/self-assessment', { orgId: 'x', selfAssessment: 'x', partySpiritAnalysis: 'y' }, 'orgId'],
    ['/ballots', { tally: { ...tally, excellent: -1 } }, 'tally.excellent'],
    ['/ballots', {}, 'tally'],
    ['/ballots', { tally, criteria: { learning: { met: 1, partlyMet: 0, notMet: 0 } } }, 'criteria.policy'],
    ['/ballots', { tally, criteria: { learning: { met: -1, partlyMet: 0, notMet: 0 } } }, 'criteria.learning.met'],
    ['/conclude', { grade: 'great' }, 'grade'],
  ])('answers 400 naming the field for POST %s %j', async (tail, body, field) => {
    const res = await post('village.secretary', review(randomUUID(), tail), body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
