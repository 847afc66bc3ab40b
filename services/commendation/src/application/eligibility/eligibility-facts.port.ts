import type { EligibilityFacts as DomainEligibilityFacts } from '@vanguard/commendation-domain';

export const ELIGIBILITY_FACTS = Symbol('ELIGIBILITY_FACTS');

/** A stream of another context as this service's projection last saw it: what a check records as read. */
export interface FactInput {
  readonly streamId: string;
  readonly version: number;
}

export type MemberGrade = 'excellent' | 'qualified' | 'basically_qualified' | 'unqualified';
export type OrgTier = 'advanced' | 'middle' | 'lagging';

/** 民主评议: the grade the level above approved for one member and year. */
export interface MemberGradeFact {
  readonly year: number;
  readonly grade: MemberGrade;
  /** The member's branch as the review recorded it: whose subtree may read the fact. */
  readonly orgId: string;
  readonly input: FactInput;
}

/** 五个好: an organisation's assessment for one year. */
export interface OrgAssessmentFact {
  readonly year: number;
  readonly tier: OrgTier;
  readonly starRating: number;
  readonly input: FactInput;
}

/** 群众评议: a closed window's satisfaction rate (‰) for the subject; null when no ballot was cast. */
export interface SatisfactionFact {
  readonly windowId: string;
  readonly year: number;
  readonly satisfactionPermille: number | null;
  readonly orgId: string;
  readonly input: FactInput;
}

export interface EligibilitySubject {
  readonly kind: 'member' | 'organization';
  readonly id: string;
}

/** Everything evaluation published about one candidate (all years), with where each fact came from. */
export interface EligibilityFacts {
  readonly subject: EligibilitySubject;
  readonly grades: readonly MemberGradeFact[];
  readonly assessments: readonly OrgAssessmentFact[];
  readonly satisfaction: readonly SatisfactionFact[];
}

/**
 * Commendation's own projection of evaluation's public events (never evaluation's code or
 * tables, DESIGN.md): what the eligibility policies read.
 */
export interface EligibilityFactsPort {
  factsFor(subject: EligibilitySubject): Promise<EligibilityFacts>;
}

/** The facts as the domain's eligibility policies take them (`@vanguard/commendation-domain`). */
export function domainFacts(f: EligibilityFacts): DomainEligibilityFacts {
  return {
    reviews: f.grades.map((g) => ({ year: g.year, grade: g.grade, ...g.input })),
    assessments: f.assessments.map((a) => ({ period: String(a.year), tier: a.tier, starRating: a.starRating, ...a.input })),
    massEvaluations: f.satisfaction.map((s) => ({ year: s.year, satisfactionPermille: s.satisfactionPermille, ...s.input })),
  };
}
