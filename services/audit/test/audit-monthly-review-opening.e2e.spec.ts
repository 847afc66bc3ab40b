import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- decisions are made through the evaluation service's own commands, in-process, as its e2e suites make them
import { openCampaign } from '../../evaluation/test/support/campaign-fixture';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { clockOn, createEvaluationTestApp } from '../../evaluation/test/support/evaluation-test-app';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { freshTownship } from '../../evaluation/test/support/fresh-orgs';
import { createAuditTestApp } from './support/audit-test-app';

const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
const points = (x: number) => Array.from({ length: 10 }, () => x);

/**
 * A round's opening and the findings it recorded at a unit (ADR 0067), made through the evaluation
 * service's HTTP commands and explained by the audit: both reproduced from the zone, campaign and
 * round streams read at their recorded versions, and each reported as differing once its record
 * was rewritten as the database owner — the opening's theme, the findings' unit.
 */
describe('audit replays a monthly round’s opening and its findings (e2e)', () => {
  let evaluation: INestApplication;
  let audit: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const explain = (streamId: string, version: number) =>
    request(audit.getHttpServer()).get(`/streams/${streamId}/decisions/${version}/explain`).set(as('province.auditor'));
  const owner = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 2 });
  let zone = '';
  let campaign = '';
  let round = '';
  let findings = '';
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
    campaign = `campaign-${campaignId}`;
    const designated = await post(
      'county.organizer',
      '/zones',
      {
        campaignId,
        name: '观摩片区',
        leader: subOf(tokens['township.secretary']!),
        under: { orgId: scope.township, level: 'village' },
        reason: '划分片区',
      },
      201,
    );
    const zoneId = designated['zoneId'] as string;
    zone = `zone-${zoneId}`;
    const opened = await post('township.secretary', `/zones/${zoneId}/monthly-reviews`, { month: '2011-05', reason: '月底观摩' }, 201);
    const roundId = opened['roundId'] as string;
    round = `monthly-review-${roundId}`;
    await post(
      'township.secretary',
      `/monthly-reviews/${roundId}/scores`,
      { scores: villages.map((orgId, i) => ({ orgId, points: points(6 + i) })), reason: '现场评分' },
      201,
    );
    const found = await post(
      'township.secretary',
      `/monthly-reviews/${roundId}/findings`,
      {
        orgId: villages[0],
        summary: '五月观摩发现的问题',
        findings: [{ problem: '党员先锋岗亮牌不全', rectification: '全部挂牌亮身份', deadline: '2011-06-30' }],
        reason: '现场观摩',
      },
      201,
    );
    findings = `comment-${found['commentId'] as string}`;
  });
  afterAll(async () => {
    await audit?.close();
    await evaluation?.close();
    await owner.end();
  });

  it('reproduces the opening from the zone and the campaign read at their recorded versions', async () => {
    const explained = await explain(round, 1).expect(200);

    expect(explained.body).toMatchObject({
      type: 'evaluation.MonthlyReviewOpened',
      reproduced: true,
      differences: [],
      refusal: null,
      rule: { id: 'evaluation.monthly-review.by-zone-leader' },
      streamsRead: [
        { streamId: zone, version: 1 },
        { streamId: campaign, version: expect.any(Number) },
      ],
    });
    expect(explained.body.replayed[0].data).toMatchObject({ month: '2011-05', units: [...villages].sort(), rubric: { version: 2 } });
  });

  it('reproduces the findings at a unit from the round read at its recorded version', async () => {
    const explained = await explain(findings, 1).expect(200);

    expect(explained.body).toMatchObject({
      type: 'evaluation.MonthlyReviewFindingsRecorded',
      reproduced: true,
      differences: [],
      streamsRead: [{ streamId: round, version: 2 }],
    });
  });

  it('reports the opening as differing when its recorded theme was rewritten as the database owner', async () => {
    const original = await canonicalOf(round, 1);
    const theme = (JSON.parse(original) as { data: { theme: string } }).data.theme;
    const forged = original.replace(JSON.stringify(theme), JSON.stringify('改写的主题'));
    expect(forged).not.toBe(original);
    try {
      await rewrite(round, 1, forged);
      const explained = await explain(round, 1).expect(200);
      expect(explained.body.reproduced).toBe(false);
      expect(explained.body.differences).toContainEqual(expect.objectContaining({ path: '[0].data.theme' }));
      expect(explained.body.replayed[0].data.theme).toBe(theme);
    } finally {
      await rewrite(round, 1, original);
    }
    expect((await explain(round, 1).expect(200)).body.reproduced).toBe(true);
  });

  it('reports the findings as differing when they were moved to another unit of the round as the database owner', async () => {
    const original = await canonicalOf(findings, 1);
    const forged = original.replace(`"orgId":"${villages[0]}"`, `"orgId":"${villages[1]}"`);
    expect(forged).not.toBe(original);
    try {
      await rewrite(findings, 1, forged);
      const explained = await explain(findings, 1).expect(200);
      expect(explained.body.reproduced).toBe(false);
      expect(explained.body.differences).toContainEqual(expect.objectContaining({ path: '[0].data.orgId' }));
      expect(explained.body.replayed[0].data.orgId).toBe(villages[0]);
    } finally {
      await rewrite(findings, 1, original);
    }
    expect((await explain(findings, 1).expect(200)).body.reproduced).toBe(true);
  });

  async function canonicalOf(streamId: string, version: number): Promise<string> {
    const { rows } = await owner.query<{ canonical: string }>(
      'select canonical from evaluation.events where stream_id = $1 and stream_version = $2',
      [streamId, version],
    );
    return rows[0]!.canonical;
  }

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
