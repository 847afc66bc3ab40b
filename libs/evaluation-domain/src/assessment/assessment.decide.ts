import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { idsOf, pathInputs } from '../org-path';
import type { AssessmentCommand, AssessOrganization } from './assessment.commands';
import type { AssessmentEvent } from './assessment.events';
import { AssessmentInputsFitTheRecordRule, assessedMonthlyReviews, MonthlyReviewsRankTheUnitInThePeriodRule } from './monthly-review-reads';
import { PeriodHasBegunRule } from '../period-begun.rule';
import { ruleRanFor } from '../rules-recorded-later';
import {
  AssessedByALevelAboveRule,
  PeriodIsAssessedOnceRule,
  PeriodsAreAssessedInOrderRule,
  TierRuleVersionExistsRule,
} from './assessment.rules';
import { evolve, initialState, type AssessmentState } from './assessment.state';
import { TIER_RULES, totalScore, type OrgTier } from './tier-rules';

const RANK: Record<OrgTier, number> = { lagging: 0, middle: 1, advanced: 2 };

export function assessOrganization({ data }: AssessOrganization, state: AssessmentState): AssessmentEvent[] {
  checkRule(new PeriodIsAssessedOnceRule(state, data.period));
  const entitled = new AssessedByALevelAboveRule(data.decidedBy, idsOf(data.orgPath));
  checkRule(entitled);
  // Shipped after assessments were recorded: a replay runs them only for a decision that recorded them.
  const inOrder = ruleRanFor(PeriodsAreAssessedInOrderRule.ID, data.ruleVersions)
    ? new PeriodsAreAssessedInOrderRule(state, data.period, data.assessedOn)
    : null;
  if (inOrder) checkRule(inOrder);
  const begun = ruleRanFor(PeriodHasBegunRule.ID, data.ruleVersions) ? new PeriodHasBegunRule(data.period, data.assessedOn) : null;
  if (begun) checkRule(begun);
  checkRule(new TierRuleVersionExistsRule(data.ruleVersion));
  const rule = TIER_RULES[data.ruleVersion]!;
  // The rounds are evidence on the record, not an input of the tier rule: the assessor's scores weigh them.
  const rounds = new MonthlyReviewsRankTheUnitInThePeriodRule(data.monthlyReviews, data.period);
  checkRule(rounds);
  const monthly = assessedMonthlyReviews(data.monthlyReviews);
  const decisionInputs = [
    { streamId: `assessment-${data.orgId}`, version: state.version },
    ...(data.satisfaction ? [{ streamId: data.satisfaction.streamId, version: data.satisfaction.version }] : []),
    ...monthly.inputs,
    ...pathInputs(data.orgPath),
  ];
  checkRule(new AssessmentInputsFitTheRecordRule(decisionInputs.length));
  const inputs = { scores: data.scores, satisfactionPermille: data.satisfaction?.permille ?? null };
  const tier = rule.tier(inputs);
  const weighed = monthly.figures.length > 0;
  const assessed: AssessmentEvent = {
    type: 'evaluation.OrganizationAssessed',
    data: {
      orgId: data.orgId,
      period: data.period,
      scores: data.scores,
      total: totalScore(data.scores),
      tier,
      starRating: rule.stars(inputs),
      // Absent when none was read, as on decisions recorded before rounds were: those replay unchanged.
      ...(weighed ? { monthlyReviews: monthly.figures } : {}),
      // Recorded with the rules that read it; a replay of a decision from before them has none to give.
      ...(begun ? { assessedOn: data.assessedOn } : {}),
      decision: {
        decidedBy: data.decidedBy,
        inputs: decisionInputs,
        rule: { id: rule.id, version: rule.version },
        checks: [ruleRef(entitled), ...(weighed ? [ruleRef(rounds)] : []), ...[inOrder, begun].flatMap((r) => (r ? [ruleRef(r)] : []))],
        reason: data.reason,
      },
    },
  };
  if (state.tier === null || state.tier === tier) return [assessed];
  return [
    assessed,
    {
      type: 'evaluation.TierChanged',
      data: {
        orgId: data.orgId,
        period: data.period,
        from: state.tier,
        to: tier,
        direction: RANK[tier] > RANK[state.tier] ? 'up' : 'down',
      },
    },
  ];
}

export function decide(command: AssessmentCommand, state: AssessmentState): AssessmentEvent[] {
  switch (command.type) {
    case 'AssessOrganization':
      return assessOrganization(command, state);
  }
}

/** 五个好 assessments of one organisation, period after period. */
export const assessmentDecider: Decider<AssessmentCommand, AssessmentState, AssessmentEvent> = { initialState, evolve, decide };
