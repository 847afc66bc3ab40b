import { BusinessRuleViolation, type BusinessRule } from '@vanguard/kernel';

type RuleClass = abstract new (...args: never[]) => BusinessRule;

/** Runs `act` and says which rule refused it (the rule's class), failing if none did. */
export function refusalOf(act: () => unknown): BusinessRule {
  try {
    act();
  } catch (e) {
    if (e instanceof BusinessRuleViolation) return e.rule;
    throw e;
  }
  throw new Error('expected a refusal, but it was accepted');
}

/** `expect(...)`-friendly: the refusing rule is an instance of `rule`. */
export function refusedBy(act: () => unknown, rule: RuleClass): boolean {
  return refusalOf(act) instanceof rule;
}
