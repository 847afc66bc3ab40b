import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- decisions are made through the evaluation service's own commands, in-process, as its e2e suites make them
import { openCampaign } from '../../evaluation/test/support/campaign-fixture';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { clockOn, createEvaluationTestApp } from '../../evaluation/test/support/evaluation-test-app';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { freshTownship } from '../../evaluation/test/support/fresh-orgs';
import { createAuditTestApp } from './support/audit-test-app';

const COUNTY = demoOrgId('910425');
const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
const points = (x: number) => Array.from({ length: 10 }, () => x);

/**
 * A zone and May's monthly review round (ADR 0047) made through the evaluation service's HTTP
 * commands — the zone's leader opens, scores and concludes, an organizer above adds a batch — then
 * audited (ADR 0064): the round's timeline and state as of a version, the zone, the batches and the
 * ranking explained as reproduced, the round among its county's streams as of an instant, and a
 * score rewritten as the database owner making the ranking's replay name what differs.
 */
describe('audit of monthly review rounds made through the evaluation service (e2e)', () => {
  let evaluation: INestApplication;
  let audit: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const auditHttp = () => request(audit.getHttpServer());
  const owner = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 2 });
  let zone = '';
  let round = '';
  let villages: string[] = [];

  beforeAll(async () => {
    const scope = await freshTownship(3);
    villages = scope.villages;
    evaluation = await createEvaluationTestApp(clockOn('2011-05-30'));
    audit = await createAuditTestApp();
    for (const u of ['county.organizer', 'township.secretary', 'province.auditor']) tokens[u] = await tokenFor(u);
    const post = async (user: string, path: string, body: object, status: number) =>
      (await request(evaluation.getHttpServer()).post(path).set(as(user)).send(body).expect(status)).body as Record<string, unknown>;
    const { campaignId } = await openCampaign(evaluation, tokens['county.organizer']!);
    const leader = subOf(tokens['township.secretary']!);
    const designated = await post(
      'county.organizer',
      '/zones',
      { campaignId, name: '第一片区', leader, under: { orgId: scope.township, level: 'village' }, reason: '划分片区' },
      201,
    );
    zone = `zone-${designated['zoneId'] as string}`;
    const opened = await post(
      'township.secretary',
      `/zones/${designated['zoneId'] as string}/monthly-reviews`,
      { month: '2011-05', reason: '月底观摩' },
      201,
    );
    round = `monthly-review-${opened['roundId'] as string}`;
    const [v0, v1, v2] = villages as [string, string, string];
    const scores = `/monthly-reviews/${opened['roundId'] as string}/scores`;
    await post(
      'township.secretary',
      scores,
      {
        scores: [
          { orgId: v0, points: points(9) },
          { orgId: v1, points: points(6) },
          { orgId: v2, points: points(8) },
        ],
        reason: '现场评分',
      },
      201,
    );
    await post('county.organizer', scores, { scores: [{ orgId: v0, points: points(5) }], reason: '复核评分' }, 201);
    await post('township.secretary', `/monthly-reviews/${opened['roundId'] as string}/conclude`, { reason: '汇总排名' }, 200);
  });
  afterAll(async () => {
    await audit?.close();
    await evaluation?.close();
    await owner.end();
  });

  it('shows the round’s timeline, its state as of a version, and the zone', async () => {
    const timeline = await auditHttp().get(`/streams/${round}/timeline`).set(as('province.auditor')).expect(200);
    expect(timeline.body).toMatchObject({ context: 'evaluation', head: 4 });
    expect(timeline.body.events.map((e: { type: string }) => e.type)).toEqual([
      'evaluation.MonthlyReviewOpened',
      'evaluation.MonthlyReviewScoresRecorded',
      'evaluation.MonthlyReviewScoresRecorded',
      'evaluation.MonthlyReviewConcluded',
    ]);
    const scored = await auditHttp().get(`/streams/${round}/as-of?version=3`).set(as('province.auditor')).expect(200);
    expect(scored.body).toMatchObject({ version: 3, state: { concluded: null, round: { month: '2011-05', rubric: { version: 2 } } } });
    const designated = await auditHttp().get(`/streams/${zone}/as-of?version=1`).set(as('province.auditor')).expect(200);
    expect(designated.body.state.zone.units).toEqual([...villages].sort());
  });

  it('replays the zone, each batch of scores and the ranking with their recorded inputs and rubric version, and reproduces them', async () => {
    const ranking = await auditHttp().get(`/streams/${round}/decisions/4/explain`).set(as('province.auditor')).expect(200);
    const [v0, v1, v2] = villages;
    expect(ranking.body).toMatchObject({
      type: 'evaluation.MonthlyReviewConcluded',
      reproduced: true,
      differences: [],
      rule: { id: 'evaluation.monthly-review.rubric', version: 2 },
      ruleVersionsRun: { 'evaluation.monthly-review.rubric': 2 },
      inputs: expect.arrayContaining([{ streamId: round, version: 3 }]),
    });
    expect(ranking.body.replayed[0].data.results.map((r: { orgId: string; rank: number }) => [r.orgId, r.rank])).toEqual([
      [v2, 1],
      [v0, 2],
      [v1, 3],
    ]);
    for (const version of [2, 3]) {
      const batch = await auditHttp().get(`/streams/${round}/decisions/${version}/explain`).set(as('province.auditor')).expect(200);
      expect(batch.body).toMatchObject({ type: 'evaluation.MonthlyReviewScoresRecorded', reproduced: true });
    }
    const designated = await auditHttp().get(`/streams/${zone}/decisions/1/explain`).set(as('province.auditor')).expect(200);
    expect(designated.body).toMatchObject({ type: 'evaluation.ZoneDesignated', reproduced: true });
  });

  it('lists the round and the zone among the county’s streams as of now', async () => {
    // Just before each stream's id, one stream a page: the page holds it, folded.
    for (const streamId of [round, zone]) {
      const after = encodeURIComponent(streamId.slice(0, -1));
      const page = await auditHttp()
        .get(`/organizations/${COUNTY}/as-of?at=${encodeURIComponent(new Date().toISOString())}&after=${after}&limit=1`)
        .set(as('province.auditor'))
        .expect(200);
      expect(page.body.streams).toEqual([expect.objectContaining({ streamId, context: 'evaluation' })]);
    }
  });

  it('names what differs when a recorded score was rewritten by the database owner after the ranking', async () => {
    const { rows } = await owner.query<{ canonical: string }>(
      'select canonical from evaluation.events where stream_id = $1 and stream_version = 2',
      [round],
    );
    const original = rows[0]!.canonical;
    // The second village's sixes become tens: last as recorded, first as the rewritten batch folds.
    const forged = original.replace('[6,6,6,6,6,6,6,6,6,6]', '[10,10,10,10,10,10,10,10,10,10]');
    expect(forged).not.toBe(original);
    try {
      await rewrite(round, 2, forged);
      const explained = await auditHttp().get(`/streams/${round}/decisions/4/explain`).set(as('province.auditor')).expect(200);
      expect(explained.body.reproduced).toBe(false);
      expect(explained.body.differences).toContainEqual(expect.objectContaining({ path: '[0].data.results[0].orgId' }));
      expect(explained.body.replayed[0].data.results[0]).toMatchObject({ orgId: villages[1], scorePermille: 1000, rank: 1 });
    } finally {
      await rewrite(round, 2, original);
    }
    const again = await auditHttp().get(`/streams/${round}/decisions/4/explain`).set(as('province.auditor')).expect(200);
    expect(again.body.reproduced).toBe(true);
  });

  /** As the database owner: past the append-only trigger, as someone with the owner's password could. */
  async function rewrite(streamId: string, version: number, canonical: string): Promise<void> {
    const c = await owner.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query('update evaluation.events set canonical = $3 where stream_id = $1 and stream_version = $2', [
        streamId,
        version,
        canonical,
      ]);
      await c.query('commit');
    } finally {
      c.release();
    }
  }
});
