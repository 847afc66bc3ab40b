// What the monthly-review hostile-input cases are made of: the case's shape and the bodies and
// paths they bend.
import type { TwoZones, User } from './two-zones';

export const NOWHERE = '0193a000-0000-7000-8000-00000000dead';
export const ten = (x: number) => Array.from({ length: 10 }, () => x);
export const finding = { problem: '台账不全', rectification: '补齐台账', deadline: '2011-06-30' };

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

export const open = (z: TwoZones) => `/zones/${z.zones[0]}/monthly-reviews`;
export const scores = (z: TwoZones) => `/monthly-reviews/${z.roundId}/scores`;
export const findings = (z: TwoZones) => `/monthly-reviews/${z.roundId}/findings`;
export const batch =
  (points: unknown, extra: object = {}) =>
  (z: TwoZones) => ({
    scores: [{ orgId: z.villages[0], points, ...extra }],
    reason: '现场评分',
  });
export const found =
  (over: object = {}, item: object = finding) =>
  (z: TwoZones) => ({
    orgId: z.villages[0],
    summary: '观摩发现的问题',
    findings: [item],
    reason: '现场观摩',
    ...over,
  });
export const zone = (over: object) => (z: TwoZones) => ({
  campaignId: z.campaignId,
  name: '第三片区',
  leader: 'x',
  units: [z.villages[0]],
  reason: '划分',
  ...over,
});
