import { ruleRef, type RuleRef, type RuleVersionChoice, type VersionedRule } from '@vanguard/kernel';

// Some rules ran for a while without a decision recording them (a reason given, for one): their
// version 1 is in no decision's `checks`. From version 2 on a decision records them, and a replay
// must still run what an older decision ran — version 1 when its checks name no version of the rule.

/**
 * The versions to run for a rule first recorded at version 2: the service's choice (none: the
 * version in force) as it is; a replay's, with version 1 for the rule when its checks do not name it.
 */
export function choiceForRuleRecordedFromV2(
  set: { readonly id: string },
  chosen: RuleVersionChoice | undefined,
): RuleVersionChoice | undefined {
  return chosen === undefined || set.id in chosen ? chosen : { ...chosen, [set.id]: 1 };
}

/** The `checks` entry of such a rule: none for version 1, which decisions never recorded. */
export const checksFromV2 = (rule: VersionedRule): RuleRef[] => (rule.version >= 2 ? [ruleRef(rule)] : []);

/**
 * Whether a rule that did not exist before runs: always for the service (no choice); on a replay,
 * only when the decision recorded it — a decision taken before the rule shipped ran without it.
 */
export const ruleRanFor = (id: string, chosen: RuleVersionChoice | undefined): boolean => chosen === undefined || id in chosen;
