import { checkRule, ruleRef, type RuleRef, type VersionedRule } from '@vanguard/kernel';

/**
 * Checks a decision's rules in order, refusing at the first broken one, and remembers each rule
 * passed: the decision records one as its `rule` and the others, at the versions run, as its
 * `checks`, so a replay runs every rule in the version that decided.
 */
export class RulesChecked {
  private readonly passed: VersionedRule[] = [];

  check<R extends VersionedRule>(rule: R): R {
    checkRule(rule);
    this.passed.push(rule);
    return rule;
  }

  /** A rule that may not run (one shipped after the decision a replay rebuilds): checked and remembered when it does. */
  checkIfRun<R extends VersionedRule>(rule: R | null): void {
    if (rule) this.check(rule);
  }

  /** Every rule passed but `main`, in the order checked. */
  besides(main: RuleRef): RuleRef[] {
    return this.passed.filter((r) => r.id !== main.id || r.version !== main.version).map(ruleRef);
  }
}
