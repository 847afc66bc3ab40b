import { DomainError, type DomainErrorKind } from './domain-error';

/** One business rule, named as a sentence; `check` refuses with a coded error when it is broken. */
export interface BusinessRule {
  readonly code: string;
  readonly kind: DomainErrorKind;
  readonly message: string;
  isBroken(): boolean;
}

export class BusinessRuleViolation extends DomainError {
  constructor(readonly rule: BusinessRule) {
    super(rule.code, rule.kind, rule.message);
  }
}

export function checkRule(rule: BusinessRule): void {
  if (rule.isBroken()) throw new BusinessRuleViolation(rule);
}
