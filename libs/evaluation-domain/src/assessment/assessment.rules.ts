import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { TIER_RULES } from './tier-rules';
import type { AssessmentState } from './assessment.state';

export class PeriodIsAssessedOnceRule extends Rule {
  readonly id = 'evaluation.assessment.period-once';
  readonly code = 'ASSESSMENT.PERIOD_DONE';
  readonly kind = 'conflict';
  readonly message = '该组织本年度已评定 / this organisation is assessed for the period already';
  constructor(
    private readonly state: AssessmentState,
    private readonly period: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.state.periods.includes(this.period);
  }
}

export class AssessedByALevelAboveRule extends Rule {
  readonly id = 'evaluation.assessment.by-level-above';
  readonly code = 'ASSESSMENT.NOT_LEVEL_ABOVE';
  readonly kind = 'forbidden';
  readonly message = '组织的评定由上级组织作出 / a level above assesses an organisation';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly orgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.orgPath.slice(0, -1).includes(this.decidedBy.orgId);
  }
}

export class TierRuleVersionExistsRule extends Rule {
  readonly id = 'evaluation.assessment.rule-version';
  readonly code = 'ASSESSMENT.UNKNOWN_RULE_VERSION';
  readonly kind = 'invalid';
  readonly message = '未知的评定规则版本 / no such tier rule version';
  constructor(private readonly ruleVersion: number) {
    super();
  }
  isBroken(): boolean {
    return TIER_RULES[this.ruleVersion] === undefined;
  }
}

/**
 * Years are assessed in order: none before a year already assessed. Each assessment's tier change
 * is reckoned from the one before it; a probe assessed 2099 and then 2025, and 2025 was recorded
 * as a fall from the 2099 tier. First shipped after assessments were recorded.
 */
export class PeriodsAreAssessedInOrderRule extends Rule {
  static readonly ID = 'evaluation.assessment.periods-in-order';
  readonly id = PeriodsAreAssessedInOrderRule.ID;
  readonly code = 'ASSESSMENT.LATER_PERIOD_ASSESSED';
  readonly kind = 'conflict';
  readonly message =
    '评定按年度先后进行，该组织已有更晚年度的评定 / years are assessed in order: a later year of this organisation is assessed already';
  constructor(
    private readonly state: AssessmentState,
    private readonly period: string,
    private readonly assessedOn: string,
  ) {
    super();
  }
  isBroken(): boolean {
    // A year still to come was assessed only before the rule that refuses it (a probe's 2099): it
    // does not hold back the years before it (a cold review).
    const begun = this.assessedOn.slice(0, 4);
    return this.state.periods.some((p) => p > this.period && p <= begun);
  }
}
