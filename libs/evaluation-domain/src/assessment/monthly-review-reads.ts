import type { ContractData, OrganizationAssessed } from '@vanguard/contracts';
import { Rule } from '@vanguard/kernel';
import type { MonthlyReviewState } from '../monthly-review/monthly-review.state';

/** The figures an assessment records of one monthly round (月度观摩点评), as the contract publishes them. */
export type AssessedMonthlyReview = NonNullable<ContractData<typeof OrganizationAssessed>['monthlyReviews']>[number];

/**
 * One monthly round as the assessment's handler read it for the unit assessed: the round stream at
 * the version read and the unit's figures in its conclusion — `result` null when the round, as
 * read, did not rank the unit (not concluded, unscored, not one of its units).
 */
export interface MonthlyRoundRead {
  readonly streamId: string;
  readonly version: number;
  readonly roundId: string;
  readonly zoneId: string;
  readonly month: string;
  readonly rubricVersion: number;
  readonly unitsRanked: number;
  readonly result: { readonly scorePermille: number; readonly rank: number } | null;
}

/**
 * What a folded round says about one unit: the read an assessment of that unit records. The round
 * stream is folded by its own decider (`monthlyReviewDecider`), so the figures are the conclusion's,
 * never a projection's.
 */
export function monthlyRoundReadOf(streamId: string, state: MonthlyReviewState, orgId: string): MonthlyRoundRead | null {
  if (!state.round) return null;
  const mine = state.concluded?.results.find((r) => r.orgId === orgId);
  return {
    streamId,
    version: state.version,
    roundId: state.round.roundId,
    zoneId: state.round.zoneId,
    month: state.round.month,
    rubricVersion: state.round.rubric.version,
    unitsRanked: state.concluded?.results.length ?? 0,
    result: mine ? { scorePermille: mine.scorePermille, rank: mine.rank } : null,
  };
}

/**
 * Seed 004: the month's review results feed the year's assessment — so an assessment records only
 * rounds of the year it assesses that ranked the unit assessed; anything else read by mistake
 * would put another year's or another unit's figures on its record.
 */
export class MonthlyReviewsRankTheUnitInThePeriodRule extends Rule {
  readonly id = 'evaluation.assessment.monthly-reviews-of-the-period';
  readonly code = 'ASSESSMENT.MONTHLY_REVIEW_NOT_USABLE';
  readonly kind = 'rule';
  readonly message = '月度观摩点评须为本年度且已对该组织排名 / a monthly review weighed must be of the year assessed and rank the unit';
  constructor(
    private readonly reads: readonly MonthlyRoundRead[],
    private readonly period: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.reads.some((r) => r.result === null || !r.month.startsWith(`${this.period}-`));
  }
}

/** A decision records at most 100 inputs (the contract): one that would need more is refused, never recorded incompletely. */
export class AssessmentInputsFitTheRecordRule extends Rule {
  static readonly MAX_INPUTS = 100;
  readonly id = 'evaluation.assessment.inputs-fit';
  readonly code = 'ASSESSMENT.TOO_MANY_INPUTS';
  readonly kind = 'rule';
  readonly message = '评定依据过多，无法完整记录 / the assessment read more streams than a decision records';
  constructor(private readonly inputs: number) {
    super();
  }
  isBroken(): boolean {
    return this.inputs > AssessmentInputsFitTheRecordRule.MAX_INPUTS;
  }
}

/** The figures recorded, oldest month first (then by round), whatever order the handler read them in. */
export function assessedMonthlyReviews(reads: readonly MonthlyRoundRead[]): {
  readonly figures: AssessedMonthlyReview[];
  readonly inputs: { readonly streamId: string; readonly version: number }[];
} {
  const sorted = [...reads].sort((a, b) => a.month.localeCompare(b.month) || a.roundId.localeCompare(b.roundId));
  return {
    figures: sorted.map((r) => ({
      roundId: r.roundId,
      zoneId: r.zoneId,
      month: r.month,
      scorePermille: r.result!.scorePermille,
      rank: r.result!.rank,
      unitsRanked: r.unitsRanked,
      rubricVersion: r.rubricVersion,
    })),
    inputs: sorted.map((r) => ({ streamId: r.streamId, version: r.version })),
  };
}
