import { DomainError } from './domain-error';
import type { VersionedRule } from './business-rule';

/**
 * The rule versions a decision is to run, by rule id. The service leaves it out and runs the
 * versions in force; a replay passes the versions the decision recorded (`rule`, `checks`),
 * so an old decision is judged by the code that made it, not by today's (ADR 0021, 0031).
 */
export type RuleVersionChoice = Readonly<Record<string, number>>;

export class RuleVersionUnknownError extends DomainError {
  constructor(id: string, version: number) {
    super('DECISION.RULE_VERSION_UNKNOWN', 'rule', `规则 ${id} 没有第 ${version} 版 / rule ${id} has no version ${version} in this code`);
  }
}

/**
 * Every shipped version of one rule, as classes taking the same facts. The newest is in
 * force; an old one stays here for as long as a recorded decision names it.
 */
export class VersionedRuleSet<A extends unknown[]> {
  constructor(
    readonly id: string,
    private readonly byVersion: Readonly<Record<number, new (...args: A) => VersionedRule>>,
  ) {}

  get inForce(): number {
    return Math.max(...this.versions());
  }

  versions(): number[] {
    return Object.keys(this.byVersion).map(Number);
  }

  /** The version `chosen` names for this rule, or the one in force; an unknown version is refused, never replaced. */
  create(chosen: RuleVersionChoice | undefined, ...facts: A): VersionedRule {
    const version = chosen?.[this.id] ?? this.inForce;
    const RuleClass = this.byVersion[version];
    if (!RuleClass) throw new RuleVersionUnknownError(this.id, version);
    return new RuleClass(...facts);
  }
}
