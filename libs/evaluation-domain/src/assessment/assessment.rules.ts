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
