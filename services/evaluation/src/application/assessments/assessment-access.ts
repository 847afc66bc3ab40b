import { DomainError } from '@vanguard/kernel';

export const assessmentStream = (orgId: string) => `assessment-${orgId}`;

export class AssessmentNotFoundError extends DomainError {
  constructor(orgId: string) {
    super('ASSESSMENT.NOT_FOUND', 'not_found', `没有该组织的评定 / no assessment of ${orgId}`);
  }
}

export class MassEvaluationNotFoundError extends DomainError {
  constructor(windowId: string) {
    super('MASS_EVALUATION.NOT_FOUND', 'not_found', `群众评议不存在 / no mass evaluation ${windowId}`);
  }
}

/**
 * The satisfaction an assessment reads must be the assessed organisation's own, from a closed
 * window with ballots, opened in the period assessed.
 */
export class SatisfactionNotUsableError extends DomainError {
  constructor(why: string) {
    super(
      'ASSESSMENT.SATISFACTION_NOT_USABLE',
      'rule',
      `该群众评议结果不能用于本次评定 / that mass evaluation cannot inform this assessment: ${why}`,
    );
  }
}

/** One satisfaction rate per assessment: a window or the county's count, not both. */
export class SatisfactionTwiceError extends DomainError {
  constructor() {
    super(
      'ASSESSMENT.SATISFACTION_TWICE',
      'invalid',
      'satisfactionWindowId: 只能选择一个群众评议结果 / name a window or the county count, not both (satisfactionCountyTally)',
    );
  }
}
