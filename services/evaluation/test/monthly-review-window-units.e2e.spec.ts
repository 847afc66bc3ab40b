import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { infraConfig } from '@vanguard/infra-config';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { evaluationConfig } from '../src/evaluation.config';
import { openCampaign } from './support/campaign-fixture';
import { createEvaluationTestApp } from './support/evaluation-test-app';
import { freshTownship } from './support/fresh-orgs';
import { rosterMemberWithPosts } from './support/roster-fixture';

const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
const tenPoints = (x: number) => Array.from({ length: 10 }, () => x);

/**
 * 月度观摩点评 and 窗口单位 end to end (issue 13, ADR 0047), real Keycloak tokens. A county organizer
 * divides a fresh township's villages into a zone led by the township secretary (by subject); only
 * the leader or an organizer above scores its units (a county evaluator in scope is refused, another
 * township's secretary does not see the round); the round concludes with the units ranked by the
 * rubric version it opened under, its findings become rectifications of the comment slice, and a
 * unit's rank reaches the assessment's evidence and its five-goods decision. A window unit publishes its commitments on a public
 * page (no token, rate-limited, no personal data), counts services from a batch of its records, once,
 * shows how many of its members hold each vanguard post (counts, never who), and a citizen's one-time
 * code rates it once (the mass-evaluation ballot box).
 */
describe('monthly reviews by zone and window units (e2e)', () => {
  let app: INestApplication;
  let pool: Pool;
  const today = '2011-05-30';
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  const post = (user: string, path: string, body: object = {}) => http().post(path).set(as(user)).send(body);
  let scope: { township: string; villages: string[] };
  let campaignId = '';
  let leader = '';
  let organizer = '';
  let zoneId = '';
  let roundId = '';
  const previousRpm = process.env['EVALUATION_WINDOW_PAGE_RPM'];
  const previousResultRpm = process.env['EVALUATION_RESULT_RPM'];

  beforeAll(async () => {
    process.env['EVALUATION_WINDOW_PAGE_RPM'] = '12';
    process.env['EVALUATION_RESULT_RPM'] = '12';
    scope = await freshTownship(4);
    pool = new Pool({ connectionString: evaluationConfig(infraConfig(), 'test').databaseUrl, max: 2 });
    app = await createEvaluationTestApp({ now: () => new Date(`${today}T04:00:00Z`), today: () => today });
    for (const u of ['county.organizer', 'county.evaluator', 'township.secretary', 'other.township.secretary'])
      tokens[u] = await tokenFor(u);
    leader = subOf(tokens['township.secretary']!);
    organizer = subOf(tokens['county.organizer']!);
    ({ campaignId } = await openCampaign(app, tokens['county.organizer']!));
  });
  afterAll(async () => {
    if (previousRpm === undefined) delete process.env['EVALUATION_WINDOW_PAGE_RPM'];
    else process.env['EVALUATION_WINDOW_PAGE_RPM'] = previousRpm;
    if (previousResultRpm === undefined) delete process.env['EVALUATION_RESULT_RPM'];
    else process.env['EVALUATION_RESULT_RPM'] = previousResultRpm;
    await pool?.end();
    await app?.close();
  });

  it('designates a zone of the township’s villages, led by a subject, and refuses units outside the campaign', async () => {
    const body = { campaignId, name: '第一片区', leader, under: { orgId: scope.township, level: 'village' }, reason: '划分片区' };
    expect((await post('county.evaluator', '/zones', body)).status).toBe(403);
    const outside = await post('county.organizer', '/zones', { ...body, units: ['0193a000-0000-7000-8000-000000000999'] });
    expect([outside.status, outside.body.code]).toEqual([422, 'ZONE.UNIT_OUT_OF_SCOPE']);
    const made = await post('county.organizer', '/zones', body);
    expect(made.status).toBe(201);
    expect(made.body.units).toBe(4);
    zoneId = made.body.zoneId as string;
    const read = await http().get(`/zones/${zoneId}`).set(as('township.secretary'));
    expect(read.body).toMatchObject({ leader, units: [...scope.villages].sort() });
  });

  it('opens a round on the quarter’s theme with the rubric in force; only the zone’s leader or an organizer above scores', async () => {
    const late = await post('township.secretary', `/zones/${zoneId}/monthly-reviews`, { month: '2011-08', reason: '月底观摩' });
    expect([late.status, late.body.code]).toEqual([422, 'MONTHLY_REVIEW.MONTH_NOT_IN_CYCLE']);
    const opened = await post('township.secretary', `/zones/${zoneId}/monthly-reviews`, { month: '2011-05', reason: '月底观摩' });
    expect(opened.status).toBe(201);
    roundId = opened.body.roundId as string;
    const round = await http().get(`/monthly-reviews/${roundId}`).set(as('county.organizer'));
    expect(round.body).toMatchObject({ theme: '服务群众', rubric: { version: 2 }, leader, month: '2011-05' });

    const [v0, v1, v2] = scope.villages;
    const scores = (points: number[]) => ({ scores: [{ orgId: v0, points }], reason: '现场评分' });
    const notLeader = await post('county.evaluator', `/monthly-reviews/${roundId}/scores`, scores(tenPoints(9)));
    expect([notLeader.status, notLeader.body.code]).toEqual([403, 'MONTHLY_REVIEW.NOT_ZONE_LEADER']);
    expect((await post('other.township.secretary', `/monthly-reviews/${roundId}/scores`, scores(tenPoints(9)))).status).toBe(404);
    const short = await post('township.secretary', `/monthly-reviews/${roundId}/scores`, scores([9, 9]));
    expect([short.status, short.body.code]).toEqual([400, 'MONTHLY_REVIEW.POINTS_OFF_RUBRIC']);
    const tooHigh = await post('township.secretary', `/monthly-reviews/${roundId}/scores`, scores([101, ...tenPoints(1).slice(1)]));
    expect(tooHigh.status).toBe(400);
    expect(JSON.stringify(tooHigh.body)).toContain('points');

    const batch = {
      scores: [
        { orgId: v0, points: tenPoints(9) },
        { orgId: v1, points: tenPoints(6) },
        { orgId: v2, points: tenPoints(8) },
      ],
      reason: '现场评分',
    };
    expect((await post('township.secretary', `/monthly-reviews/${roundId}/scores`, batch)).status).toBe(201);
    expect((await post('county.organizer', `/monthly-reviews/${roundId}/scores`, scores(tenPoints(5)))).status).toBe(201);
  });

  it('concludes with the units ranked (units, never individuals) by the recorded rubric, and the rank reaches the assessment’s evidence', async () => {
    const [v0, v1, v2, v3] = scope.villages;
    const done = await post('township.secretary', `/monthly-reviews/${roundId}/conclude`, { reason: '汇总排名' });
    expect(done.status).toBe(200);
    // v0: (9 + 5) / 2 of 10 → 700‰; v2 800‰; v1 600‰; v3 unscored.
    expect(done.body.results).toEqual([
      { orgId: v2, scorePermille: 800, rank: 1, scorers: 1 },
      { orgId: v0, scorePermille: 700, rank: 2, scorers: 2 },
      { orgId: v1, scorePermille: 600, rank: 3, scorers: 1 },
    ]);
    expect(done.body.unscored).toEqual([v3]);
    const round = await http().get(`/monthly-reviews/${roundId}`).set(as('county.organizer'));
    expect(round.body.concluded).toMatchObject({ zoneId, month: '2011-05' });
    expect(
      (await post('county.organizer', `/monthly-reviews/${roundId}/scores`, { scores: [{ orgId: v3, points: tenPoints(1) }], reason: 'x' }))
        .status,
    ).toBe(409);

    const evidence = await waitUntil('the round’s result in the assessment evidence', async () => {
      const r = await http().get(`/monthly-reviews/results?orgId=${v0}&period=2011`).set(as('county.organizer'));
      return (r.body.items as unknown[] | undefined)?.length ? (r.body.items as unknown[]) : undefined;
    });
    expect(evidence).toEqual([
      expect.objectContaining({
        roundId,
        month: '2011-05',
        rank: 2,
        scorePermille: 700,
        unitsRanked: 3,
        rubricVersion: 2,
        streamId: `monthly-review-${roundId}`,
      }),
    ]);
    const bad = await http().get(`/monthly-reviews/results?orgId=${v0}&period=11`).set(as('county.organizer'));
    expect([bad.status, JSON.stringify(bad.body)]).toEqual([400, expect.stringContaining('period')]);
  });

  it('records the round’s figures on the unit’s five-goods decision, and the replay reads them again from the round (ADR 0050)', async () => {
    const [v0] = scope.villages;
    const scores = { leadership: 18, membership: 17, mechanism: 17, performance: 18, reputation: 17 };
    const assessed = await post('county.organizer', `/assessments/${v0}`, { period: '2011', scores, reason: '年度五个好考评' });
    expect(assessed.status).toBe(201);
    const replay = await http().get(`/assessments/${v0}/2011/replay`).set(as('county.organizer'));
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({
      matches: true,
      monthlyReviews: [
        {
          roundId,
          version: expect.any(Number),
          recorded: { scorePermille: 700, rank: 2, unitsRanked: 3 },
          reread: { scorePermille: 700, rank: 2, unitsRanked: 3 },
          matches: true,
        },
      ],
    });
  });

  it('records findings at a unit of the round whose rectification is the comment slice’s, with a deadline', async () => {
    const v3 = scope.villages[3]!;
    const body = {
      orgId: v3,
      summary: '观摩发现的问题',
      findings: [{ problem: '服务台账不全', rectification: '补齐台账，按月公示', deadline: '2011-06-30' }],
      reason: '现场观摩',
    };
    const notLeader = await post('county.evaluator', `/monthly-reviews/${roundId}/findings`, body);
    expect([notLeader.status, notLeader.body.code]).toEqual([403, 'MONTHLY_REVIEW.NOT_ZONE_LEADER']);
    const recorded = await post('township.secretary', `/monthly-reviews/${roundId}/findings`, body);
    expect(recorded.status).toBe(201);
    const view = await waitUntil('the comment projection to hold the round’s findings', async () => {
      const r = await http()
        .get(`/comments/${recorded.body.commentId as string}`)
        .set(as('county.organizer'));
      return r.status === 200 ? (r.body as { form: string; roundId: string; findings: { status: string; deadline: string }[] }) : undefined;
    });
    expect(view).toMatchObject({ form: 'monthly_review', roundId, findings: [{ status: 'open', deadline: '2011-06-30' }] });
  });

  const commitments = {
    serviceName: '镇便民服务中心民政窗口',
    duties: '办理低保、医疗救助申请受理',
    process: '受理—审核—公示—审批，限时办结',
    discipline: '首问负责、一次告知、限时办结',
    servicePhone: '0470-5123456',
    reason: '三亮',
  };

  it('publishes a window unit’s commitments on a public page with no personal data, rate-limited per address', async () => {
    const unit = scope.villages[1]!;
    const path = `/window-units/${unit}/commitments`;
    const mobile = await http()
      .put(path)
      .set(as('county.organizer'))
      .send({ ...commitments, servicePhone: '13912345678' });
    expect([mobile.status, JSON.stringify(mobile.body)]).toEqual([400, expect.stringContaining('servicePhone')]);
    const inText = await http()
      .put(path)
      .set(as('county.organizer'))
      .send({ ...commitments, duties: '联系人 139-1234-5678' });
    expect([inText.status, inText.body.code]).toEqual([400, 'WINDOW_UNIT.PERSONAL_DATA']);
    // As the page would show it: zero-width spaces and dots hide nothing (rule version 2).
    for (const duties of ['联系人张三，手机138\u200b0013\u200b8000', '手机138.0013.8000']) {
      const hidden = await http()
        .put(path)
        .set(as('county.organizer'))
        .send({ ...commitments, duties });
      expect([hidden.status, hidden.body.code]).toEqual([400, 'WINDOW_UNIT.PERSONAL_DATA']);
    }
    expect((await http().put(path).set(as('other.township.secretary')).send(commitments)).status).toBe(403);
    expect((await http().put(path).set(as('county.organizer')).send(commitments)).status).toBe(200);
    // Six publications at once, each with its own phone: those refused 409 change nothing, the page's phone is a winner's.
    const phones = Array.from({ length: 6 }, (_, i) => `0470-512345${i}`);
    const raced = await Promise.all(
      phones.map((servicePhone) =>
        http()
          .put(path)
          .set(as('county.organizer'))
          .send({ ...commitments, servicePhone }),
      ),
    );
    expect(raced.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const won = phones.filter((_, i) => raced[i]!.status === 200);
    const { rows: contact } = await pool.query(`select service_phone from window_unit_contact where org_id = $1`, [unit]);
    expect(won).toContain(contact[0].service_phone);
    await http().put(path).set(as('county.organizer')).send(commitments).expect(200);

    const records = [
      { recordId: 'r-1', kind: 'service_given', on: '2011-05-03' },
      { recordId: 'r-2', kind: 'handled_on_behalf', on: '2011-05-04' },
      { recordId: 'r-2', kind: 'handled_on_behalf', on: '2011-05-04' },
      { recordId: 'r-3', kind: 'online_approval', on: '2011-05-20' },
    ];
    const sent = await post('county.organizer', `/window-units/${unit}/service-records`, { batchId: 'b-2011-05', records });
    expect([sent.status, sent.body.counted]).toEqual([201, 3]);
    const resent = await post('county.organizer', `/window-units/${unit}/service-records`, { batchId: 'b-2011-05', records });
    expect([resent.status, resent.body.code]).toEqual([409, 'WINDOW_UNIT.BATCH_COUNTED']);
    const badKind = await post('county.organizer', `/window-units/${unit}/service-records`, {
      batchId: 'b2',
      records: [{ ...records[0], kind: 'typed_total' }],
    });
    expect([badKind.status, JSON.stringify(badKind.body)]).toEqual([400, expect.stringContaining('kind')]);

    // 亮牌示范 (ADR 0052): the unit's active members' posts are counted; a member who left and one of another unit are not.
    const members = [
      await rosterMemberWithPosts(pool, unit, ['pioneer_post', 'model_post']),
      await rosterMemberWithPosts(pool, unit, ['pioneer_post']),
      await rosterMemberWithPosts(pool, unit, []),
      await rosterMemberWithPosts(pool, unit, ['pioneer_post'], 'left'),
      await rosterMemberWithPosts(pool, scope.villages[2]!, ['responsibility_zone']),
    ];

    const page = await http().get(`/public/window-units/${unit}`);
    expect(page.status).toBe(200);
    expect(Object.keys(page.body as object).sort()).toEqual(
      ['discipline', 'duties', 'orgId', 'process', 'publishedOn', 'serviceName', 'servicePhone', 'services', 'vanguardPosts'].sort(),
    );
    expect(page.body.vanguardPosts).toEqual([
      { post: 'pioneer_post', label: '党员先锋岗', members: 2 },
      { post: 'model_post', label: '党员示范岗', members: 1 },
    ]);
    expect(page.body.services).toEqual([
      { month: '2011-05', kind: 'handled_on_behalf', count: 1 },
      { month: '2011-05', kind: 'online_approval', count: 1 },
      { month: '2011-05', kind: 'service_given', count: 1 },
    ]);
    const text = JSON.stringify(page.body);
    for (const personal of [organizer, leader, 'decidedBy', 'decision', 'actor', 'memberId', ...members])
      expect(text).not.toContain(personal);
    expect(text).not.toMatch(/1[3-9]\d{9}/);
    expect((await http().get(`/public/window-units/${scope.villages[3]!}`)).status).toBe(404);

    let limited = 0;
    for (let i = 0; i < 15 && limited === 0; i++) {
      const r = await http().get(`/public/window-units/${unit}`);
      if (r.status === 429) limited = i;
    }
    expect(limited).toBeGreaterThan(0);
  });

  it('lets a citizen rate the window unit’s service once with a one-time code (the mass-evaluation ballot box)', async () => {
    const unit = scope.villages[1]!;
    const opened = await post('county.organizer', '/mass-evaluations', {
      subject: { kind: 'organization', id: unit },
      orgId: unit,
      eligibleVoters: 3,
      opensOn: '2011-05-30',
      closesOn: '2011-06-06',
    });
    expect(opened.status).toBe(201);
    const windowId = opened.body.windowId as string;
    const codes = await post('county.organizer', `/mass-evaluations/${windowId}/codes`, { count: 1, format: 'json' });
    const code = (codes.body.codes as string[])[0]!;
    const first = await http().post(`/mass-evaluations/${windowId}/ballots`).send({ code, rating: 'satisfied' });
    expect(first.status).toBe(201);
    const again = await http().post(`/mass-evaluations/${windowId}/ballots`).send({ code, rating: 'dissatisfied' });
    expect(again.status).toBe(403);
    // The public result (404 until published) is read without a token: a flood from one address gets 429.
    let limited = 0;
    for (let n = 0; n < 15 && limited === 0; n++) {
      const r = await http().get(`/mass-evaluations/${windowId}/result`);
      if (r.status === 429) limited = n;
      else expect(r.status).toBe(404);
    }
    expect(limited).toBeGreaterThan(0);
  });
});
