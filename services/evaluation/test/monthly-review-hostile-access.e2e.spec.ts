import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { fieldWorkEventCount, twoZones, type TwoZones, type User } from './support/two-zones';

const NOWHERE = '0193a000-0000-7000-8000-00000000dead';
const ten = (x: number) => Array.from({ length: 10 }, () => x);
const finding = { problem: '台账不全', rectification: '补齐台账', deadline: '2011-06-30' };

/**
 * Who may know and do what on zones and rounds, tried by people who should not (issue 13, ADR 0047):
 * a thing that is not there and one the caller may not see get the same 404; another zone's leader
 * is refused with the rule's name (403); a business refusal is 422 naming its rule. None of them
 * appends anything.
 */
describe('monthly reviews refuse the wrong caller and the wrong act (e2e)', () => {
  let app: INestApplication;
  let z: TwoZones;
  const send = (user: User, method: 'get' | 'post', path: string, body?: object) => {
    const http = request(app.getHttpServer() as Parameters<typeof request>[0]);
    const auth = { Authorization: `Bearer ${z.tokens[user]}` };
    return method === 'get'
      ? http.get(path).set(auth)
      : http
          .post(path)
          .set(auth)
          .send(body ?? {});
  };
  /** The answer with every id in it replaced, so "not there" and "not yours" compare byte for byte. */
  const shape = (r: request.Response) => ({
    status: r.status,
    code: r.body.code as unknown,
    message: String(r.body.message).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>'),
  });
  /** Runs `act`, and checks it left the zone, round and findings streams as they were. */
  const changesNothing = async <T>(act: () => Promise<T>): Promise<T> => {
    const before = await fieldWorkEventCount(z);
    const out = await act();
    expect(await fieldWorkEventCount(z)).toBe(before);
    return out;
  };

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-30'));
    z = await twoZones(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['reading a zone', 'get', (id: string) => `/zones/${id}`, undefined, 'zone', 'ZONE.NOT_FOUND'],
    [
      'opening a zone’s round',
      'post',
      (id: string) => `/zones/${id}/monthly-reviews`,
      { month: '2011-05', reason: 'r' },
      'zone',
      'ZONE.NOT_FOUND',
    ],
    ['reading a round', 'get', (id: string) => `/monthly-reviews/${id}`, undefined, 'round', 'MONTHLY_REVIEW.NOT_FOUND'],
    [
      'scoring a round',
      'post',
      (id: string) => `/monthly-reviews/${id}/scores`,
      { scores: [{ orgId: NOWHERE, points: ten(5) }], reason: 'r' },
      'round',
      'MONTHLY_REVIEW.NOT_FOUND',
    ],
    ['concluding a round', 'post', (id: string) => `/monthly-reviews/${id}/conclude`, { reason: 'r' }, 'round', 'MONTHLY_REVIEW.NOT_FOUND'],
    [
      'recording findings',
      'post',
      (id: string) => `/monthly-reviews/${id}/findings`,
      { orgId: NOWHERE, summary: 's', findings: [finding], reason: 'r' },
      'round',
      'MONTHLY_REVIEW.NOT_FOUND',
    ],
  ] as const)('answers %s that is not there and one not yours with the same 404', async (_, method, path, body, kind, code) => {
    const mine = kind === 'zone' ? z.zones[0] : z.roundId;
    await changesNothing(async () => {
      const absent = await send('county.organizer', method, path(NOWHERE), body);
      const notYours = await send('other.township.secretary', method, path(mine), body);
      expect(shape(absent)).toEqual({ status: 404, code, message: expect.stringContaining('<id>') });
      expect(shape(notYours)).toEqual(shape(absent));
    });
  });

  it('answers a zone’s id asked for as a round with 404, not the zone', async () => {
    const r = await send('county.organizer', 'get', `/monthly-reviews/${z.zones[0]}`);
    expect([r.status, r.body.code]).toEqual([404, 'MONTHLY_REVIEW.NOT_FOUND']);
  });

  it('refuses a unit’s results outside the caller’s subtree the same whether the unit exists or not', async () => {
    const real = await send('other.township.secretary', 'get', `/monthly-reviews/results?orgId=${z.villages[0]}&period=2011`);
    const absent = await send('other.township.secretary', 'get', `/monthly-reviews/results?orgId=${NOWHERE}&period=2011`);
    expect(shape(real)).toEqual({ status: 403, code: 'AUTH.OUT_OF_SCOPE', message: expect.any(String) });
    expect(shape(absent)).toEqual(shape(real));
  });

  it.each([
    ['open a round of', (t: TwoZones) => `/zones/${t.zones[0]}/monthly-reviews`, () => ({ month: '2011-05', reason: '越区观摩' })],
    [
      'score a unit of',
      (t: TwoZones) => `/monthly-reviews/${t.roundId}/scores`,
      (t: TwoZones) => ({ scores: [{ orgId: t.villages[0], points: ten(9) }], reason: '越区评分' }),
    ],
    [
      'record findings in',
      (t: TwoZones) => `/monthly-reviews/${t.roundId}/findings`,
      (t: TwoZones) => ({ orgId: t.villages[0], summary: 's', findings: [finding], reason: 'r' }),
    ],
    ['conclude the round of', (t: TwoZones) => `/monthly-reviews/${t.roundId}/conclude`, () => ({ reason: '越区汇总' })],
  ] as const)('refuses another zone’s leader to %s a zone that is not theirs, naming the rule (403)', async (_, path, body) => {
    const r = await changesNothing(() => send('zone.leader.02', 'post', path(z), body(z)));
    expect([r.status, r.body.code]).toEqual([403, 'MONTHLY_REVIEW.NOT_ZONE_LEADER']);
    expect(r.body.message).toContain('[rule evaluation.monthly-review.by-zone-leader@1]');
  });

  it.each([
    ['a month after the quarter', '2011-08'],
    ['a month before any cycle', '1999-01'],
  ])('refuses to open a round for %s, naming the rule (422)', async (_, month) => {
    const r = await changesNothing(() => send('zone.leader.01', 'post', `/zones/${z.zones[0]}/monthly-reviews`, { month, reason: 'r' }));
    expect([r.status, r.body.code]).toEqual([422, 'MONTHLY_REVIEW.MONTH_NOT_IN_CYCLE']);
    expect(r.body.message).toContain('[rule evaluation.monthly-review.month-in-cycle@1]');
  });

  it.each([
    ['a unit of the other zone', (t: TwoZones) => [t.villages[2]!]],
    ['an organisation that does not exist', () => [NOWHERE]],
  ])('refuses to score %s in the round, naming the rule (422)', async (_, units) => {
    const body = { scores: units(z).map((orgId) => ({ orgId, points: ten(7) })), reason: 'r' };
    const r = await changesNothing(() => send('zone.leader.01', 'post', `/monthly-reviews/${z.roundId}/scores`, body));
    expect([r.status, r.body.code]).toEqual([422, 'MONTHLY_REVIEW.UNIT_NOT_IN_ROUND']);
    expect(r.body.message).toContain('[rule evaluation.monthly-review.units-in-round@1]');
  });

  it.each([
    ['a unit of the other zone', (t: TwoZones) => t.villages[2]!],
    ['an organisation that does not exist', () => NOWHERE],
  ])('refuses findings at %s, naming the rule (422)', async (_, orgId) => {
    const body = { orgId: orgId(z), summary: '观摩发现的问题', findings: [finding], reason: 'r' };
    const r = await changesNothing(() => send('zone.leader.01', 'post', `/monthly-reviews/${z.roundId}/findings`, body));
    expect([r.status, r.body.code]).toEqual([422, 'MONTHLY_REVIEW.UNIT_NOT_IN_ROUND']);
  });

  it('refuses to conclude a round nobody scored, naming the rule (422)', async () => {
    const r = await changesNothing(() => send('zone.leader.01', 'post', `/monthly-reviews/${z.roundId}/conclude`, { reason: 'r' }));
    expect([r.status, r.body.code]).toEqual([422, 'MONTHLY_REVIEW.NO_SCORES']);
  });

  it('refuses a zone of no units (every unit below an organisation that does not exist), naming the rule (422)', async () => {
    const body = { campaignId: z.campaignId, name: '空片区', leader: 'x', under: { orgId: NOWHERE }, reason: 'r' };
    const r = await changesNothing(() => send('county.organizer', 'post', '/zones', body));
    expect([r.status, r.body.code]).toEqual([422, 'ZONE.UNIT_OUT_OF_SCOPE']);
  });
});
