import type { ContractData, MonthlyReviewOpened } from '@vanguard/contracts';

export type RubricCriterion = ContractData<typeof MonthlyReviewOpened>['rubric']['criteria'][number];

/** A rubric as code: its id and version name it on the events; its criteria are what units are scored on. */
export interface MonthlyReviewRubric {
  readonly id: string;
  readonly version: number;
  readonly criteria: readonly RubricCriterion[];
}

const RUBRIC_ID = 'evaluation.monthly-review.rubric';

const c = (key: string, label: string, weight: number, maxPoints = 10): RubricCriterion => ({ key, label, weight, maxPoints });

/**
 * 观摩点评评分细则, every shipped version. A round records the version it opened under and is
 * concluded and replayed with that version's criteria, never with the one in force: version 1
 * stays here for as long as a recorded round names it. Weights sum to 100.
 */
export const MONTHLY_REVIEW_RUBRICS: Readonly<Record<number, MonthlyReviewRubric>> = {
  1: {
    id: RUBRIC_ID,
    version: 1,
    criteria: [
      c('theme_work', '围绕季度主题开展工作', 30),
      c('pledge_practice', '公开承诺践诺情况', 25),
      c('service_to_masses', '服务群众成效', 20),
      c('rectification', '问题整改落实', 15),
      c('records', '台账资料规范', 10),
    ],
  },
  /** 2011 下半年起: the window services and the masses' word weigh in; ten criteria, so two scorers give twenty points a unit. */
  2: {
    id: RUBRIC_ID,
    version: 2,
    criteria: [
      c('theme_work', '围绕季度主题开展工作', 20),
      c('pledge_practice', '公开承诺践诺情况', 15),
      c('service_to_masses', '服务群众成效', 10),
      c('window_service', '窗口服务三亮三比三评', 10),
      c('pioneer_posts', '党员先锋岗作用发挥', 10),
      c('rectification', '问题整改落实', 10),
      c('organisation_life', '组织生活制度落实', 10),
      c('team_building', '班子队伍建设', 5),
      c('masses_satisfaction', '群众满意程度', 5),
      c('records', '台账资料规范', 5),
    ],
  },
};

export const MONTHLY_REVIEW_RUBRIC_IN_FORCE = Math.max(...Object.keys(MONTHLY_REVIEW_RUBRICS).map(Number));

/**
 * A unit's score in ‰ of the most it can get: per criterion the mean of its scorers' points over the
 * criterion's maximum, weighted; rounded once at the end (half up) so the order of scorers never matters.
 */
export function unitScorePermille(rubric: MonthlyReviewRubric, byScorer: readonly (readonly number[])[]): number {
  // Σ_c weight_c · 10 · (Σ_s points_s,c) / (max_c · n), exactly, over the common denominator lcm(max_c) · n.
  const n = BigInt(byScorer.length);
  const lcm = rubric.criteria.reduce((l, c) => (l * BigInt(c.maxPoints)) / gcd(l, BigInt(c.maxPoints)), 1n);
  const den = lcm * n;
  const num = rubric.criteria.reduce((acc, criterion, i) => {
    const sum = byScorer.reduce((s, points) => s + (points[i] ?? 0), 0);
    return acc + BigInt(criterion.weight * 10 * sum) * (lcm / BigInt(criterion.maxPoints));
  }, 0n);
  return Number((2n * num + den) / (2n * den));
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

export interface RankedUnit {
  readonly orgId: string;
  readonly scorePermille: number;
  readonly rank: number;
  readonly scorers: number;
}

/** Units best first, ties by id so the order is the same on every replay; equal scores share a rank (1, 2, 2, 4). */
export function rankUnits(scored: readonly { orgId: string; scorePermille: number; scorers: number }[]): RankedUnit[] {
  const sorted = [...scored].sort((a, b) => b.scorePermille - a.scorePermille || (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
  const ranked: RankedUnit[] = [];
  sorted.forEach((u, i) => {
    const prev = ranked[i - 1];
    ranked.push({ ...u, rank: prev && prev.scorePermille === u.scorePermille ? prev.rank : i + 1 });
  });
  return ranked;
}
