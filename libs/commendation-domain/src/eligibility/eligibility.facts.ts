import type { MemberGrade } from '@vanguard/contracts';

// What the eligibility policies read. The service keeps its own projection of evaluation's
// public events (never evaluation's code or database) and passes, for the nominee, every
// fact below with the evaluation stream and version it came from; the policies record the
// streams they read, so an auditor can fold those streams at those versions and replay.

/** An approved democratic review (evaluation.ReviewApproved) of the member: `review-<memberId>-<year>`. */
export interface ReviewGradeFact {
  readonly year: number;
  readonly grade: MemberGrade;
  readonly streamId: string;
  readonly version: number;
}

/** An assessment of the organisation (evaluation.OrganizationAssessed) on `assessment-<orgId>`. */
export interface AssessmentFact {
  readonly period: string;
  readonly tier: 'advanced' | 'middle' | 'lagging';
  readonly starRating: number;
  readonly streamId: string;
  readonly version: number;
}

/** A closed mass evaluation of the nominee (evaluation.MassEvaluationClosed), by the year it closed. */
export interface MassEvaluationFact {
  readonly year: number;
  readonly satisfactionPermille: number | null;
  readonly streamId: string;
  readonly version: number;
}

export interface EligibilityFacts {
  /** Every approved review of a member nominee the projection holds (all years: "never unqualified" looks at all). */
  readonly reviews: readonly ReviewGradeFact[];
  /** Every assessment of an organisation nominee the projection holds. */
  readonly assessments: readonly AssessmentFact[];
  /** Every closed mass evaluation whose subject is the nominee. */
  readonly massEvaluations: readonly MassEvaluationFact[];
}

export const NO_FACTS: EligibilityFacts = { reviews: [], assessments: [], massEvaluations: [] };
