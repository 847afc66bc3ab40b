import type { ContractData, OrganizationAssessed } from '@vanguard/contracts';

type Scores = ContractData<typeof OrganizationAssessed>['scores'];
export type OrgTier = ContractData<typeof OrganizationAssessed>['tier'];

/** What a tier rule reads: the five scores and, from version 2, the mass satisfaction rate. */
export interface TierInputs {
  readonly scores: Scores;
  readonly satisfactionPermille: number | null;
}

export interface TierRule {
  readonly id: 'evaluation.assessment.tier';
  readonly version: number;
  tier(inputs: TierInputs): OrgTier;
  stars(inputs: TierInputs): number;
}

const total = (s: Scores) => s.leadership + s.membership + s.mechanism + s.performance + s.reputation;
const lowest = (s: Scores) => Math.min(s.leadership, s.membership, s.mechanism, s.performance, s.reputation);

/** Version 1: advanced from 85 points with no criterion under 12; lagging under 60 or any criterion under 8. */
export const TierRuleV1: TierRule = {
  id: 'evaluation.assessment.tier',
  version: 1,
  tier({ scores }) {
    if (total(scores) >= 85 && lowest(scores) >= 12) return 'advanced';
    if (total(scores) < 60 || lowest(scores) < 8) return 'lagging';
    return 'middle';
  },
  stars({ scores }) {
    const t = total(scores);
    return t >= 95 ? 5 : t >= 90 ? 4 : t >= 80 ? 3 : t >= 70 ? 2 : 1;
  },
};

/**
 * Version 2 (seed 003 asks 综合领导点评和群众评议工作，把组织评价与社会评价结合起来; its
 * thresholds are the platform's own, the seed names none): as version 1, but the masses'
 * satisfaction counts — under 70 % the organisation cannot be advanced, under 50 % it is
 * lagging, and it loses a star under 80 %.
 */
export const TierRuleV2: TierRule = {
  id: 'evaluation.assessment.tier',
  version: 2,
  tier(inputs) {
    const base = TierRuleV1.tier(inputs);
    const sat = inputs.satisfactionPermille;
    if (sat === null) return base;
    if (sat < 500) return 'lagging';
    if (sat < 700 && base === 'advanced') return 'middle';
    return base;
  },
  stars(inputs) {
    const base = TierRuleV1.stars(inputs);
    return inputs.satisfactionPermille !== null && inputs.satisfactionPermille < 800 ? Math.max(1, base - 1) : base;
  },
};

/** Every version ever shipped: replays pick the recorded one. */
export const TIER_RULES: Readonly<Record<number, TierRule>> = { 1: TierRuleV1, 2: TierRuleV2 };
export const totalScore = total;
