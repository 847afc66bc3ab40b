import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor } from '@vanguard/testing';
import { openCampaign } from './support/campaign-fixture';
import { createEvaluationTestApp } from './support/evaluation-test-app';
import { freshTownship } from './support/fresh-orgs';

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; realm_access: { roles: string[] } };
const tenPoints = (x: number) => Array.from({ length: 10 }, () => x);

/** Two of the realm's zone leaders (ADR 0067): county leaders with the evaluator role, nothing more. */
const LEADERS = ['zone.leader.01', 'zone.leader.02'] as const;

/**
 * A zone leader signs in with the realm's own user and acts on their zone only (issue 13, ADR 0067):
 * two zones of a fresh township, each led by one of the realm's zone leaders by the subject of their
 * token; the first leader opens and scores their round, and is refused with the rule's reason when
 * scoring a unit of the other zone — in the other zone's round (403) or in their own (422).
 */
describe('a zone leader from the realm scores their zone’s units only (e2e)', () => {
  let app: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const post = (user: string, path: string, body: object) => request(app.getHttpServer()).post(path).set(as(user)).send(body);
  let villages: string[] = [];
  const rounds: string[] = [];

  beforeAll(async () => {
    ({ villages } = await freshTownship(4));
    app = await createEvaluationTestApp({ now: () => new Date('2011-05-30T04:00:00Z'), today: () => '2011-05-30' });
    for (const u of ['county.organizer', ...LEADERS]) tokens[u] = await tokenFor(u);
    const { campaignId } = await openCampaign(app, tokens['county.organizer']!);
    for (const [i, user] of LEADERS.entries()) {
      const units = villages.slice(2 * i, 2 * i + 2);
      const zone = await post('county.organizer', '/zones', {
        campaignId,
        name: `第${i + 1}片区`,
        leader: claimsOf(tokens[user]!).sub,
        units,
        reason: '划分片区',
      });
      expect(zone.status).toBe(201);
      const opened = await post(user, `/zones/${zone.body.zoneId as string}/monthly-reviews`, { month: '2011-05', reason: '月底观摩' });
      expect(opened.status).toBe(201);
      rounds.push(opened.body.roundId as string);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it('signs the zone leader in with the demo password as a county evaluator, no organizer', () => {
    const { roles } = claimsOf(tokens[LEADERS[0]]!).realm_access;
    expect(roles).toContain('evaluator');
    expect(roles).not.toContain('organizer');
  });

  it('lets the leader score a unit of their zone', async () => {
    const scored = await post(LEADERS[0], `/monthly-reviews/${rounds[0]!}/scores`, {
      scores: [{ orgId: villages[0], points: tenPoints(8) }],
      reason: '现场评分',
    });

    expect(scored.status).toBe(201);
  });

  it('refuses the leader a unit of the other zone, in that zone’s round, with the rule’s reason (403)', async () => {
    const refused = await post(LEADERS[0], `/monthly-reviews/${rounds[1]!}/scores`, {
      scores: [{ orgId: villages[2], points: tenPoints(8) }],
      reason: '越区评分',
    });

    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'MONTHLY_REVIEW.NOT_ZONE_LEADER', message: expect.stringContaining('片区联系领导') });
  });

  it('refuses the leader a unit of the other zone in their own round (422)', async () => {
    const refused = await post(LEADERS[0], `/monthly-reviews/${rounds[0]!}/scores`, {
      scores: [{ orgId: villages[2], points: tenPoints(8) }],
      reason: '越区评分',
    });

    expect([refused.status, refused.body.code]).toEqual([422, 'MONTHLY_REVIEW.UNIT_NOT_IN_ROUND']);
  });
});
