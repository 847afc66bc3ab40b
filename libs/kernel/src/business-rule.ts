import { DomainError, type DomainErrorKind } from './domain-error';

/** One business rule, named as a sentence; `check` refuses with a coded error when it is broken. */
export interface BusinessRule {
  readonly code: string;
  readonly kind: DomainErrorKind;
  readonly message: string;
  isBroken(): boolean;
}

/**
 * A rule whose verdict is a recorded decision: auditors replay the recorded inputs with the
 * recorded `id` and `version`, so a rule's old versions stay in the code when a new one ships.
 */
export interface VersionedRule extends BusinessRule {
  readonly id: string;
  readonly version: number;
}

/** The base of a versioned rule class: version 1 unless the class says otherwise. */
export abstract class Rule implements VersionedRule {
  abstract readonly id: string;
  readonly version: number = 1;
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;
  abstract readonly message: string;
  abstract isBroken(): boolean;
}

export class BusinessRuleViolation extends DomainError {
  constructor(readonly rule: BusinessRule) {
    super(rule.code, rule.kind, rule.message);
  }
}

export function checkRule(rule: BusinessRule): void {
  if (rule.isBroken()) throw new BusinessRuleViolation(rule);
}

/** The reference a decision event records: which rule, in which version, decided. */
export interface RuleRef {
  readonly id: string;
  readonly version: number;
}

export const ruleRef = (rule: VersionedRule): RuleRef => ({ id: rule.id, version: rule.version });
