import type { AwardCategory } from '@vanguard/contracts';
import { Rule, type DomainErrorKind } from '@vanguard/kernel';
import type { StreamRead } from '../decided-by';
import type { EligibilityFacts } from './eligibility.facts';

// 评选表彰对象要注重工作实绩和社会公认度 (seed 001): each policy is a named, versioned rule over
// the facts the handler read from evaluation's events. A programme records the versions in
// force when it was launched; a recorded check names the versions it ran, and old versions
// stay here so it replays after a new one ships.

const MEMBER_CATEGORIES: readonly AwardCategory[] = ['outstanding_member', 'outstanding_party_worker'];
const ORGANIZATION_CATEGORIES: readonly AwardCategory[] = ['advanced_organization', 'advanced_county_committee'];

/** One stream per input, at the highest version read (an assessment stream holds every period). */
function streamsRead(reads: readonly StreamRead[]): StreamRead[] {
  const latest = new Map<string, number>();
  for (const r of reads) latest.set(r.streamId, Math.max(r.version, latest.get(r.streamId) ?? 0));
  return [...latest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([streamId, version]) => ({ streamId, version }));
}

export abstract class EligibilityPolicy extends Rule {
  readonly kind: DomainErrorKind = 'rule';
  /** The categories whose nominees this policy judges. */
  abstract readonly categories: readonly AwardCategory[];
  constructor(
    protected readonly years: readonly number[],
    protected readonly facts: EligibilityFacts,
  ) {
    super();
  }
  appliesTo(category: AwardCategory): boolean {
    return this.categories.includes(category);
  }
  /** The evaluation streams (and versions) this policy read. */
  abstract inputs(): StreamRead[];
}

export type EligibilityPolicyClass = new (years: readonly number[], facts: EligibilityFacts) => EligibilityPolicy;

const QUALIFYING: readonly string[] = ['excellent', 'qualified'];

/** What both versions of the review-grade policy read: the reviews of the programme's years, and all of them. */
abstract class ReviewGradePolicy extends EligibilityPolicy {
  readonly id = 'commendation.eligibility.review-grade';
  readonly code = 'ELIGIBILITY.REVIEW_GRADE';
  readonly categories = MEMBER_CATEGORIES;
  protected inYears() {
    return this.facts.reviews.filter((r) => this.years.includes(r.year));
  }
  /** 合格以上 in each programme year, nothing lower in those years, never 不合格 in any year. */
  protected qualifiedEveryYearNeverUnqualified(): boolean {
    const inYears = this.inYears();
    const everyYear = this.years.every((y) => inYears.some((r) => r.year === y && QUALIFYING.includes(r.grade)));
    const lowerInYears = inYears.some((r) => !QUALIFYING.includes(r.grade));
    const everUnqualified = this.facts.reviews.some((r) => r.grade === 'unqualified');
    return everyYear && !lowerInYears && !everUnqualified;
  }
  inputs(): StreamRead[] {
    return streamsRead(this.facts.reviews);
  }
}

/**
 * Version 1: in each of the programme's years the member's approved democratic review is at
 * least qualified (合格), and no review the projection holds, in any year, is unqualified.
 */
export class ReviewGradesQualifyTheMemberPolicyV1 extends ReviewGradePolicy {
  readonly message =
    '被推荐党员在表彰所涉各年度民主评议均须为合格以上，且从未被评为不合格 / the member must be graded at least qualified in every year of the programme and never unqualified';
  isBroken(): boolean {
    return !this.qualifiedEveryYearNeverUnqualified();
  }
}

/**
 * Version 2 (an outstanding member should have been found excellent by the members who know
 * them): as version 1, and graded excellent (优秀) in at least one of the programme's years.
 * Its own class, not a subclass of version 1; the check they share is version 1's whole rule,
 * so changing that check would be a new version of both.
 */
export class ReviewGradesQualifyTheMemberPolicy extends ReviewGradePolicy {
  override readonly version = 2;
  readonly message =
    '被推荐党员在表彰所涉各年度民主评议均须为合格以上、至少一年为优秀，且从未被评为不合格 / the member must be graded at least qualified every year of the programme, excellent in one of them, and never unqualified';
  isBroken(): boolean {
    return !this.qualifiedEveryYearNeverUnqualified() || !this.inYears().some((r) => r.grade === 'excellent');
  }
}

/**
 * Version 1: in the latest period assessed within the programme's years the organisation is
 * advanced (先进) or has at least four stars. For advanced grassroots organisations only: a county
 * committee is commended for how it ran the campaign (seed 001), not assessed on the five goods.
 */
export class OrganizationIsAdvancedOrStarredPolicy extends EligibilityPolicy {
  readonly id = 'commendation.eligibility.org-tier';
  readonly code = 'ELIGIBILITY.ORG_TIER';
  readonly message =
    '被推荐组织最近一次评定须为先进或四星以上 / the organisation’s latest assessment must be advanced or four stars or more';
  readonly categories: readonly AwardCategory[] = ['advanced_organization'];
  static readonly MIN_STARS = 4;
  private inYears() {
    return this.facts.assessments.filter((a) => this.years.includes(Number(a.period.slice(0, 4))));
  }
  isBroken(): boolean {
    const latest = [...this.inYears()].sort((a, b) => (a.period < b.period ? 1 : a.period > b.period ? -1 : 0))[0];
    return !latest || (latest.tier !== 'advanced' && latest.starRating < OrganizationIsAdvancedOrStarredPolicy.MIN_STARS);
  }
  inputs(): StreamRead[] {
    return streamsRead(this.inYears());
  }
}

/**
 * Version 1 (群众反映好, social recognition): the nominee was mass-evaluated in the programme's
 * years, and every such evaluation found at least 80 % satisfied or basically satisfied.
 */
export class MassSatisfactionIsHighEnoughPolicy extends EligibilityPolicy {
  readonly id = 'commendation.eligibility.mass-satisfaction';
  readonly code = 'ELIGIBILITY.MASS_SATISFACTION';
  readonly message =
    '被推荐对象在表彰所涉年度须经群众评议且满意率均不低于 80% / the nominee must have been mass-evaluated in the programme’s years with at least 80 % satisfaction each time';
  readonly categories = [...MEMBER_CATEGORIES, ...ORGANIZATION_CATEGORIES];
  static readonly THRESHOLD_PERMILLE = 800;
  private inYears() {
    return this.facts.massEvaluations.filter((m) => this.years.includes(m.year));
  }
  isBroken(): boolean {
    const inYears = this.inYears();
    return (
      inYears.length === 0 ||
      inYears.some((m) => m.satisfactionPermille === null || m.satisfactionPermille < MassSatisfactionIsHighEnoughPolicy.THRESHOLD_PERMILLE)
    );
  }
  inputs(): StreamRead[] {
    return streamsRead(this.inYears());
  }
}
