import type { AwardCategory, ContractData, EligibilityChecked } from '@vanguard/contracts';
import { ruleRef, type RuleRef } from '@vanguard/kernel';
import type { StreamRead } from '../decided-by';
import type { EligibilityFacts } from './eligibility.facts';
import {
  MassSatisfactionIsHighEnoughPolicy,
  OrganizationIsAdvancedOrStarredPolicy,
  ReviewGradesQualifyTheMemberPolicy,
  ReviewGradesQualifyTheMemberPolicyV1,
  type EligibilityPolicy,
  type EligibilityPolicyClass,
} from './eligibility.policies';

/** Every policy version ever shipped, by id then version: checks run the programme's versions, replays the recorded ones. */
export const ELIGIBILITY_POLICIES: Readonly<Record<string, Readonly<Record<number, EligibilityPolicyClass>>>> = {
  'commendation.eligibility.review-grade': { 1: ReviewGradesQualifyTheMemberPolicyV1, 2: ReviewGradesQualifyTheMemberPolicy },
  'commendation.eligibility.org-tier': { 1: OrganizationIsAdvancedOrStarredPolicy },
  'commendation.eligibility.mass-satisfaction': { 1: MassSatisfactionIsHighEnoughPolicy },
};

/** The latest version of every policy: what a programme launched today is held to unless it names others. */
export const CURRENT_ELIGIBILITY_POLICIES: readonly RuleRef[] = Object.entries(ELIGIBILITY_POLICIES).map(([id, versions]) => ({
  id,
  version: Math.max(...Object.keys(versions).map(Number)),
}));

/** The rule a passing check records: all the programme's policies that apply passed. */
export const ALL_POLICIES_PASSED: RuleRef = { id: 'commendation.eligibility', version: 1 };

export const isKnownPolicy = (ref: RuleRef): boolean => ELIGIBILITY_POLICIES[ref.id]?.[ref.version] !== undefined;

export function policyFor(ref: RuleRef, years: readonly number[], facts: EligibilityFacts): EligibilityPolicy {
  const Policy = ELIGIBILITY_POLICIES[ref.id]?.[ref.version];
  if (!Policy) throw new RangeError(`no eligibility policy ${ref.id} version ${ref.version}`);
  return new Policy(years, facts);
}

export type PolicyResult = ContractData<typeof EligibilityChecked>['results'][number];

export interface EligibilityOutcome {
  readonly eligible: boolean;
  readonly results: PolicyResult[];
  /** The first policy (in the programme's order) that refused, or null. */
  readonly refusedBy: EligibilityPolicy | null;
  /** Every stream any policy read, once, at the highest version read. */
  readonly inputs: StreamRead[];
}

/** Runs each policy in `refs` that applies to the category, in order, on the facts. */
export function checkEligibility(
  refs: readonly RuleRef[],
  category: AwardCategory,
  years: readonly number[],
  facts: EligibilityFacts,
): EligibilityOutcome {
  const policies = refs.map((ref) => policyFor(ref, years, facts)).filter((p) => p.appliesTo(category));
  const results = policies.map((p) => ({ policy: ruleRef(p), passed: !p.isBroken(), inputs: p.inputs() }));
  const refusedBy = policies.find((p) => p.isBroken()) ?? null;
  const latest = new Map<string, number>();
  for (const r of results.flatMap((x) => x.inputs)) latest.set(r.streamId, Math.max(r.version, latest.get(r.streamId) ?? 0));
  return { eligible: refusedBy === null, results, refusedBy, inputs: [...latest].map(([streamId, version]) => ({ streamId, version })) };
}

/**
 * What an auditor does with a recorded check: run the recorded policy versions on the facts
 * folded from the recorded inputs at their versions. Equal to the recorded `eligible` and
 * `results` when nothing was altered, whatever versions have shipped since.
 */
export function replayEligibility(
  recorded: Pick<ContractData<typeof EligibilityChecked>, 'category' | 'results'>,
  years: readonly number[],
  facts: EligibilityFacts,
): Pick<EligibilityOutcome, 'eligible' | 'results'> {
  const { eligible, results } = checkEligibility(
    recorded.results.map((r) => r.policy),
    recorded.category,
    years,
    facts,
  );
  return { eligible, results };
}
