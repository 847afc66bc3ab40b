import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { infraConfig } from '@vanguard/infra-config';
import { seededRandom } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { freshTownship } from './support/fresh-orgs';
import { eventsOf, twoZones, type TwoZones, type User } from './support/two-zones';

const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

const AT_ONCE = 50;
const SEED = 13_047;

/**
 * Fifty commands on one round at once (issue 13, ADR 0047), through the real service: fifty identical
 * score batches — each either recorded as one event or refused 409, the round scored once per unit;
 * fifty different batches resent on 409 until each lands — all fifty recorded, none lost or doubled;
 * fifty conclusions — one ranking, 49 × 409, and no score lands after it.
 */
describe('fifty concurrent commands on one monthly review round (e2e)', () => {
  let app: INestApplication;
  let z: TwoZones;
  let db: Client;
  const stream = () => `monthly-review-${z.roundId}`;
  const post = (user: User, path: string, body: object) =>
    request(app.getHttpServer() as Parameters<typeof request>[0])
      .post(path)
      .set({ Authorization: `Bearer ${z.tokens[user]}` })
      .send(body);
  const score = (user: User, points: number[], reason: string) =>
    post(user, `/monthly-reviews/${z.roundId}/scores`, { scores: [{ orgId: z.villages[0], points }], reason });

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-30'));
    z = await twoZones(app);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('answers fifty identical batches sent at once 201 or 409, one event per 201, none lost or doubled', async () => {
    const before = await eventsOf(stream());
    const points = Array.from({ length: 10 }, () => 8);

    const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => score('zone.leader.01', points, '现场评分')));

    // A batch that read the round after another landed is a later batch of the same scorer, which replaces
    // the earlier one (ADR 0047): so not exactly one 201, but every 201 is one event and every other a 409.
    const won = answers.filter((r) => r.status === 201).length;
    expect(won).toBeGreaterThanOrEqual(1);
    for (const r of answers.filter((x) => x.status !== 201)) expect([r.status, r.body.code]).toEqual([409, 'STREAM.CONCURRENT_CHANGE']);
    expect(await eventsOf(stream())).toEqual([...before, ...Array.from({ length: won }, () => 'evaluation.MonthlyReviewScoresRecorded')]);
    const round = await request(app.getHttpServer() as Parameters<typeof request>[0])
      .get(`/monthly-reviews/${z.roundId}`)
      .set({ Authorization: `Bearer ${z.tokens['county.organizer']}` });
    expect([round.body.unitsScored, round.body.version]).toEqual([1, before.length + won]);
  });

  it('loses none of fifty different batches sent at once when each is resent on 409', async () => {
    const random = seededRandom(SEED);
    const sent = Array.from({ length: AT_ONCE }, (_, i) => ({
      reason: `第${i}批`,
      points: Array.from({ length: 10 }, () => Math.floor(random() * 11)),
    }));
    const scorers: User[] = ['zone.leader.01', 'county.organizer'];
    const { rows: was } = await db.query(`select count(*)::int as n from evaluation.events where stream_id = $1`, [stream()]);

    await Promise.all(
      sent.map(async (b, i) => {
        for (let attempt = 0; attempt < 10 * AT_ONCE; attempt++) {
          const r = await score(scorers[i % 2]!, b.points, b.reason);
          if (r.status === 201) return;
          if (r.status !== 409) throw new Error(`batch ${i}: ${r.status} ${JSON.stringify(r.body)}`);
        }
        throw new Error(`batch ${i} never landed (seed ${SEED})`);
      }),
    );

    const { rows } = await db.query<{ reason: string; points: number[] }>(
      `select data->'decision'->>'reason' as reason, data->'scores'->0->'points' as points
         from evaluation.events_view where stream_id = $1 and stream_version > $2 order by stream_version`,
      [stream(), was[0].n],
    );
    const key = (b: { reason: string; points: number[] }) => `${b.reason}:${b.points.join(',')}`;
    expect(rows.map(key).sort()).toEqual(sent.map(key).sort());
  });

  it('opens a zone’s month once of fifty openings at once, and a later opening of a month already open is refused', async () => {
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, () =>
        post('zone.leader.02', `/zones/${z.zones[1]}/monthly-reviews`, { month: '2011-05', reason: '月底观摩' }),
      ),
    );

    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = answers.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.body.code as string}`);
    for (const r of refused) expect(['409 STREAM.CONCURRENT_CHANGE', '409 MONTHLY_REVIEW.ALREADY_OPENED']).toContain(r);
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from evaluation.events_view where type = 'evaluation.MonthlyReviewOpened' and data->>'zoneId' = $1`,
      [z.zones[1]],
    );
    expect(rows[0]!.n).toBe(1);
    const before = await eventsOf(stream());
    const again = await post('zone.leader.01', `/zones/${z.zones[0]}/monthly-reviews`, { month: '2011-05', reason: '再开一次' });
    expect([again.status, again.body.code, await eventsOf(stream())]).toEqual([409, 'MONTHLY_REVIEW.ALREADY_OPENED', before]);
  });

  it('keeps a unit in one zone of the campaign: a zone naming another’s unit is refused, and of fifty identical designations at once one is made', async () => {
    const zonesBefore = await db.query<{ n: number }>(
      `select count(*)::int as n from evaluation.events_view where type = 'evaluation.ZoneDesignated' and data->>'campaignId' = $1`,
      [z.campaignId],
    );
    const leader = subOf(z.tokens['zone.leader.02']);
    const overlapping = await post('county.organizer', '/zones', {
      campaignId: z.campaignId,
      name: '重叠片区',
      leader,
      units: [z.villages[1]],
      reason: '划分片区',
    });
    expect([overlapping.status, overlapping.body.code]).toEqual([422, 'ZONE.UNIT_IN_ANOTHER_ZONE']);
    expect(overlapping.body.message).toContain(z.villages[1]);

    const { villages } = await freshTownship(2);
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, () =>
        post('county.organizer', '/zones', { campaignId: z.campaignId, name: '第三片区', leader, units: villages, reason: '划分片区' }),
      ),
    );
    const outcomes = answers.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.body.code as string}`));
    expect(outcomes.filter((o) => o === '201')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== '201' && o !== '422 ZONE.UNIT_IN_ANOTHER_ZONE')).toEqual([]);
    const zonesAfter = await db.query<{ n: number }>(
      `select count(*)::int as n from evaluation.events_view where type = 'evaluation.ZoneDesignated' and data->>'campaignId' = $1`,
      [z.campaignId],
    );
    expect(zonesAfter.rows[0]!.n).toBe(zonesBefore.rows[0]!.n + 1);
  });

  it('concludes once of fifty conclusions at once, and no score lands after the ranking', async () => {
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, (_, i) =>
        post(i % 2 ? 'county.organizer' : 'zone.leader.01', `/monthly-reviews/${z.roundId}/conclude`, { reason: '汇总排名' }),
      ),
    );

    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = answers.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.code as string}`);
    // A conclusion that read the round before the winner appended meets the moved stream; one that read after, a closed round.
    for (const r of refused) expect(['409 STREAM.CONCURRENT_CHANGE', '409 MONTHLY_REVIEW.NOT_OPEN']).toContain(r);
    const late = await score(
      'zone.leader.01',
      Array.from({ length: 10 }, () => 1),
      '迟到的评分',
    );
    expect([late.status, late.body.code]).toEqual([409, 'MONTHLY_REVIEW.NOT_OPEN']);
    const types = await eventsOf(stream());
    expect(types.filter((t) => t === 'evaluation.MonthlyReviewConcluded')).toHaveLength(1);
    expect(types.at(-1)).toBe('evaluation.MonthlyReviewConcluded');
  });
});
