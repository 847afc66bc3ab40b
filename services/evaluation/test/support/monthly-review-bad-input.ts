import type { TwoZones, User } from './two-zones';

const NOWHERE = '0193a000-0000-7000-8000-00000000dead';
const ten = (x: number) => Array.from({ length: 10 }, () => x);
const finding = { problem: '台账不全', rectification: '补齐台账', deadline: '2011-06-30' };

export interface Case {
  readonly name: string;
  readonly as?: User;
  readonly method?: 'get' | 'post';
  readonly path: (z: TwoZones) => string;
  /** An object is sent as JSON; a string as it is, with a JSON content type. */
  readonly body?: (z: TwoZones) => object | string;
  readonly status: number;
  /** The answer's code, and what its message names: the field and why, or the rule. */
  readonly code: string;
  readonly names?: readonly string[];
}

const open = (z: TwoZones) => `/zones/${z.zones[0]}/monthly-reviews`;
const scores = (z: TwoZones) => `/monthly-reviews/${z.roundId}/scores`;
const findings = (z: TwoZones) => `/monthly-reviews/${z.roundId}/findings`;
const batch =
  (points: unknown, extra: object = {}) =>
  (z: TwoZones) => ({
    scores: [{ orgId: z.villages[0], points, ...extra }],
    reason: '现场评分',
  });
const found =
  (over: object = {}, item: object = finding) =>
  (z: TwoZones) => ({
    orgId: z.villages[0],
    summary: '观摩发现的问题',
    findings: [item],
    reason: '现场观摩',
    ...over,
  });
const zone = (over: object) => (z: TwoZones) => ({
  campaignId: z.campaignId,
  name: '第三片区',
  leader: 'x',
  units: [z.villages[0]],
  reason: '划分',
  ...over,
});

/** Bad input: 400 naming the field and why (or the rule a figure breaks), 413 for a body too big — never 500. */
export const BAD_INPUT: Case[] = [
  {
    name: 'a zone’s campaign id that is no UUID',
    path: () => '/zones',
    body: zone({ campaignId: 'c-1' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['campaignId', 'UUID'],
  },
  {
    name: 'a zone’s unit that is no UUID',
    path: () => '/zones',
    body: zone({ units: ['v-1'] }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['units'],
  },
  {
    name: 'a level that does not exist',
    path: () => '/zones',
    body: (z) => zone({ under: { orgId: z.villages[0], level: 'galaxy' } })(z),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['under.level'],
  },
  {
    name: 'an unknown field',
    path: () => '/zones',
    body: zone({ owner: 'me' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['owner', 'should not exist'],
  },
  {
    name: 'an unknown nested field',
    path: () => '/zones',
    body: (z) => zone({ under: { orgId: z.villages[0], depth: 9 } })(z),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['depth'],
  },
  {
    name: 'a __proto__ key',
    path: () => '/zones',
    body: (z) =>
      `{"campaignId":"${z.campaignId}","name":"n","leader":"x","units":["${z.villages[0]}"],"reason":"r","__proto__":{"admin":true}}`,
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['__proto__'],
  },
  {
    name: 'a __proto__ key inside a score',
    path: scores,
    body: (z) => `{"scores":[{"orgId":"${z.villages[0]}","points":[1,1,1,1,1,1,1,1,1,1],"__proto__":{"weight":100}}],"reason":"r"}`,
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['scores[0].__proto__'],
  },
  { name: 'an empty name', path: () => '/zones', body: zone({ name: '' }), status: 400, code: 'REQUEST.INVALID', names: ['name'] },
  {
    name: 'a reason of 2,001 characters',
    path: () => '/zones',
    body: zone({ reason: '理'.repeat(2001) }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['reason'],
  },
  {
    name: 'a path id that is no UUID',
    path: () => '/zones/zone-1/monthly-reviews',
    body: () => ({ month: '2011-05', reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['id', 'UUID'],
  },
  {
    name: 'a thirteenth month',
    path: open,
    body: () => ({ month: '2011-13', reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['month', 'YYYY-MM'],
  },
  {
    name: 'a month without its zero',
    path: open,
    body: () => ({ month: '2011-5', reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['month'],
  },
  {
    name: 'rubric version 0',
    path: open,
    body: () => ({ month: '2011-05', rubricVersion: 0, reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['rubricVersion'],
  },
  {
    name: 'rubric version as text',
    path: open,
    body: () => ({ month: '2011-05', rubricVersion: '2', reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['rubricVersion'],
  },
  {
    name: 'rubric version 2.5',
    path: open,
    body: () => ({ month: '2011-05', rubricVersion: 2.5, reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['rubricVersion'],
  },
  {
    name: 'a rubric version never shipped',
    path: open,
    body: () => ({ month: '2011-05', rubricVersion: 3, reason: 'r' }),
    status: 400,
    code: 'MONTHLY_REVIEW.RUBRIC_UNKNOWN',
    names: ['rubric'],
  },
  {
    name: 'points above 100',
    path: scores,
    body: batch([101, ...ten(1).slice(1)]),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['points', '100'],
  },
  { name: 'negative points', path: scores, body: batch([-1, ...ten(1).slice(1)]), status: 400, code: 'REQUEST.INVALID', names: ['points'] },
  {
    name: 'fractional points',
    path: scores,
    body: batch([1.5, ...ten(1).slice(1)]),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['points'],
  },
  { name: 'points as text', path: scores, body: batch(ten(1).map(String)), status: 400, code: 'REQUEST.INVALID', names: ['points'] },
  { name: 'null points', path: scores, body: batch(ten(1).map(() => null)), status: 400, code: 'REQUEST.INVALID', names: ['points'] },
  {
    name: 'twenty-one figures',
    path: scores,
    body: batch(Array.from({ length: 21 }, () => 1)),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['points'],
  },
  {
    name: 'a figure above its criterion’s maximum',
    path: scores,
    body: batch([11, ...ten(1).slice(1)]),
    status: 400,
    code: 'MONTHLY_REVIEW.POINTS_OFF_RUBRIC',
    names: ['points-fit-rubric'],
  },
  {
    name: 'fewer figures than criteria',
    path: scores,
    body: batch([9, 9]),
    status: 400,
    code: 'MONTHLY_REVIEW.POINTS_OFF_RUBRIC',
    names: ['criterion'],
  },
  {
    name: 'an empty batch',
    path: scores,
    body: () => ({ scores: [], reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['scores'],
  },
  {
    name: 'scores as an object',
    path: scores,
    body: () => ({ scores: {}, reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['scores'],
  },
  {
    name: 'a null score',
    path: scores,
    body: () => ({ scores: [null], reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['scores'],
  },
  {
    name: 'a score that is text',
    path: scores,
    body: () => ({ scores: ['x'], reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['scores'],
  },
  {
    name: 'a scored unit that is no UUID',
    path: scores,
    body: () => ({ scores: [{ orgId: 'v-1', points: ten(1) }], reason: 'r' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['orgId'],
  },
  {
    name: 'a weight smuggled into a score',
    path: scores,
    body: batch(ten(1), { weight: 100 }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['weight'],
  },
  {
    name: 'a finding id chosen by the caller',
    path: findings,
    body: found({}, { ...finding, findingId: NOWHERE }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['findingId'],
  },
  {
    name: 'a deadline that is no day',
    path: findings,
    body: found({}, { ...finding, deadline: '2011-02-30' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['deadline'],
  },
  {
    name: 'a deadline before the review',
    path: findings,
    body: found({}, { ...finding, deadline: '2011-05-01' }),
    status: 400,
    code: 'COMMENT.BAD_DEADLINE',
    names: ['deadline'],
  },
  { name: 'no findings', path: findings, body: found({ findings: [] }), status: 400, code: 'REQUEST.INVALID', names: ['findings'] },
  {
    name: 'fifty-one findings',
    path: findings,
    body: found({ findings: Array.from({ length: 51 }, (_, i) => ({ ...finding, problem: `问题${i}` })) }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['findings'],
  },
  {
    name: 'a NUL in the reason',
    path: scores,
    body: (z) => ({ ...batch(ten(1))(z), reason: 'a\u0000b' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['reason', 'U+0000'],
  },
  {
    name: 'an unpaired surrogate in a problem',
    path: findings,
    body: found({}, { ...finding, problem: 'x\ud800' }),
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['findings[0].problem', 'surrogate'],
  },
  {
    name: 'a NUL in a field name',
    path: open,
    body: () => '{"month":"2011-05","reason":"r","a\\u0000":1}',
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['field name'],
  },
  {
    name: 'an unpaired surrogate in a query',
    method: 'get',
    path: (z) => `/monthly-reviews/results?orgId=${z.villages[0]}&period=%ED%A0%80`,
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['period'],
  },
  {
    name: 'a unit in the query that is no UUID',
    method: 'get',
    path: () => '/monthly-reviews/results?orgId=v-1&period=2011',
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['orgId', 'UUID'],
  },
  {
    name: 'no unit in the query',
    method: 'get',
    path: () => '/monthly-reviews/results?period=2011',
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['orgId'],
  },
  {
    name: 'a period of two digits',
    method: 'get',
    path: (z) => `/monthly-reviews/results?orgId=${z.villages[0]}&period=11`,
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['period'],
  },
  {
    name: 'an unknown query parameter',
    method: 'get',
    path: (z) => `/monthly-reviews/results?orgId=${z.villages[0]}&period=2011&all=1`,
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['all'],
  },
  { name: 'a body that is not JSON', path: scores, body: () => '{"scores": [', status: 400, code: 'REQUEST.MALFORMED', names: ['JSON'] },
  {
    name: 'a body nested 5,000 deep',
    path: scores,
    body: () => `{"scores":${'['.repeat(5000)}${']'.repeat(5000)},"reason":"r"}`,
    status: 400,
    code: 'REQUEST.INVALID',
    names: ['scores[0]', 'nested deeper than'],
  },
  {
    name: 'a body of 2 MB',
    path: scores,
    body: (z) => ({ ...batch(ten(1))(z), reason: 'x'.repeat(2_000_000) }),
    status: 413,
    code: 'REQUEST.TOO_LARGE',
  },
];
