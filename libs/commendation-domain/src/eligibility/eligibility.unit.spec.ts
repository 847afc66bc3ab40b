import { advancedVillageFacts, facts, goodMemberFacts, steadyMemberFacts, VILLAGE } from '../__fixtures__/commendation.fixtures';
import { checkEligibility, CURRENT_ELIGIBILITY_POLICIES, policyFor } from './eligibility';
import { NO_FACTS, type EligibilityFacts } from './eligibility.facts';
import {
  MassSatisfactionIsHighEnoughPolicy,
  OrganizationIsAdvancedOrStarredPolicy,
  ReviewGradesQualifyTheMemberPolicy,
  ReviewGradesQualifyTheMemberPolicyV1,
} from './eligibility.policies';

const YEARS = [2010, 2011, 2012];
const { review, massEvaluation } = facts;
const withReviews = (...reviews: ReturnType<typeof review>[]): EligibilityFacts => ({ ...goodMemberFacts, reviews });

describe(ReviewGradesQualifyTheMemberPolicyV1.name, () => {
  const sut = (f: EligibilityFacts) => new ReviewGradesQualifyTheMemberPolicyV1(YEARS, f);
  it('passes a member graded qualified in every year of the programme', () => expect(sut(steadyMemberFacts).isBroken()).toBe(false));
  it('refuses a member with no approved review for one of the years', () =>
    expect(sut(withReviews(review(2010, 'excellent'), review(2011, 'excellent'))).isBroken()).toBe(true));
  it('refuses a member graded basically qualified in one of the years', () =>
    expect(sut(withReviews(review(2010, 'qualified'), review(2011, 'basically_qualified'), review(2012, 'excellent'))).isBroken()).toBe(
      true,
    ));
  it('refuses a member ever graded unqualified, even before the programme’s years', () =>
    expect(sut(withReviews(review(2008, 'unqualified'), ...steadyMemberFacts.reviews.map((r) => ({ ...r })))).isBroken()).toBe(true));
  it('records every review stream it read, with its version', () =>
    expect(sut(withReviews(review(2009, 'qualified', 3), review(2010, 'qualified', 6))).inputs()).toEqual([
      { streamId: review(2009, 'qualified').streamId, version: 3 },
      { streamId: review(2010, 'qualified').streamId, version: 6 },
    ]));
  it('is version 1 of commendation.eligibility.review-grade', () =>
    expect([sut(NO_FACTS).id, sut(NO_FACTS).version]).toEqual(['commendation.eligibility.review-grade', 1]));
});

describe(ReviewGradesQualifyTheMemberPolicy.name, () => {
  const sut = (f: EligibilityFacts) => new ReviewGradesQualifyTheMemberPolicy(YEARS, f);
  it('refuses a member never graded excellent in the programme’s years, whom version 1 passes', () => {
    expect(sut(steadyMemberFacts).isBroken()).toBe(true);
    expect(new ReviewGradesQualifyTheMemberPolicyV1(YEARS, steadyMemberFacts).isBroken()).toBe(false);
  });
  it('passes a member graded excellent in one year and qualified in the others', () => expect(sut(goodMemberFacts).isBroken()).toBe(false));
  it('still refuses an excellent year beside an unqualified one', () =>
    expect(sut(withReviews(review(2007, 'unqualified'), ...goodMemberFacts.reviews)).isBroken()).toBe(true));
  it('is version 2 of the same policy id, not a subclass of version 1', () => {
    expect([sut(NO_FACTS).id, sut(NO_FACTS).version]).toEqual(['commendation.eligibility.review-grade', 2]);
    expect(sut(NO_FACTS)).not.toBeInstanceOf(ReviewGradesQualifyTheMemberPolicyV1);
  });
});

describe(OrganizationIsAdvancedOrStarredPolicy.name, () => {
  const assessment = (period: string, tier: 'advanced' | 'middle' | 'lagging', starRating: number, version: number) => ({
    period,
    tier,
    starRating,
    streamId: `assessment-${VILLAGE}`,
    version,
  });
  const sut = (...assessments: ReturnType<typeof assessment>[]) =>
    new OrganizationIsAdvancedOrStarredPolicy(YEARS, { ...NO_FACTS, assessments });
  it('passes an organisation assessed advanced in the latest period', () =>
    expect(sut(assessment('2012', 'advanced', 3, 4)).isBroken()).toBe(false));
  it('passes a middle-tier organisation with four stars', () => expect(sut(assessment('2012', 'middle', 4, 4)).isBroken()).toBe(false));
  it('judges the latest period: advanced in 2011, middle with three stars in 2012 is refused', () =>
    expect(sut(assessment('2011', 'advanced', 5, 2), assessment('2012', 'middle', 3, 4)).isBroken()).toBe(true));
  it('refuses an organisation not assessed in the programme’s years', () =>
    expect(sut(assessment('2009', 'advanced', 5, 1)).isBroken()).toBe(true));
  it('judges advanced organisations, not county committees (commended for running the campaign)', () => {
    const p = new OrganizationIsAdvancedOrStarredPolicy(YEARS, NO_FACTS);
    expect([p.appliesTo('advanced_organization'), p.appliesTo('advanced_county_committee')]).toEqual([true, false]);
  });
  it('reads the assessment stream once, at the highest version read', () =>
    expect(new OrganizationIsAdvancedOrStarredPolicy(YEARS, advancedVillageFacts).inputs()).toEqual([
      { streamId: `assessment-${VILLAGE}`, version: 4 },
    ]));
});

describe(MassSatisfactionIsHighEnoughPolicy.name, () => {
  const sut = (...massEvaluations: ReturnType<typeof massEvaluation>[]) =>
    new MassSatisfactionIsHighEnoughPolicy(YEARS, { ...NO_FACTS, massEvaluations });
  it('passes at exactly 80 %', () => expect(sut(massEvaluation(2012, 800)).isBroken()).toBe(false));
  it('refuses when one evaluation in the years fell under 80 %', () =>
    expect(sut(massEvaluation(2011, 990), massEvaluation(2012, 799)).isBroken()).toBe(true));
  it('refuses an evaluation in which no ballot was cast', () => expect(sut(massEvaluation(2012, null)).isBroken()).toBe(true));
  it('refuses a nominee never mass-evaluated in the programme’s years', () => expect(sut(massEvaluation(2009, 990)).isBroken()).toBe(true));
  it('ignores evaluations outside the years', () =>
    expect(sut(massEvaluation(2009, 100), massEvaluation(2012, 900)).isBroken()).toBe(false));
});

describe(checkEligibility.name, () => {
  it('holds new programmes to the latest version of every policy', () =>
    expect(CURRENT_ELIGIBILITY_POLICIES).toEqual([
      { id: 'commendation.eligibility.review-grade', version: 2 },
      { id: 'commendation.eligibility.org-tier', version: 1 },
      { id: 'commendation.eligibility.mass-satisfaction', version: 1 },
    ]));
  it('runs on a member only the policies for members', () => {
    const outcome = checkEligibility(CURRENT_ELIGIBILITY_POLICIES, 'outstanding_member', YEARS, goodMemberFacts);
    expect(outcome.results.map((r) => [r.policy.id, r.passed])).toEqual([
      ['commendation.eligibility.review-grade', true],
      ['commendation.eligibility.mass-satisfaction', true],
    ]);
    expect(outcome.eligible).toBe(true);
  });
  it('runs on an organisation only the policies for organisations', () =>
    expect(
      checkEligibility(CURRENT_ELIGIBILITY_POLICIES, 'advanced_organization', YEARS, advancedVillageFacts).results.map((r) => r.policy.id),
    ).toEqual(['commendation.eligibility.org-tier', 'commendation.eligibility.mass-satisfaction']));
  it('names the first policy that refused and still reports every verdict', () => {
    const outcome = checkEligibility(CURRENT_ELIGIBILITY_POLICIES, 'outstanding_member', YEARS, {
      ...steadyMemberFacts,
      massEvaluations: [],
    });
    expect(outcome.refusedBy).toBeInstanceOf(ReviewGradesQualifyTheMemberPolicy);
    expect(outcome.results.map((r) => r.passed)).toEqual([false, false]);
  });
  it('lists every stream read once across policies', () =>
    expect(checkEligibility(CURRENT_ELIGIBILITY_POLICIES, 'outstanding_member', YEARS, goodMemberFacts).inputs).toHaveLength(5));
  it('knows no policy version that never shipped', () =>
    expect(() => policyFor({ id: 'commendation.eligibility.org-tier', version: 2 }, YEARS, NO_FACTS)).toThrow(RangeError));
});
