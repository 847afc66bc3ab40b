import type { AwardCategory, AwardProgrammeLaunched, ContractData, OrgLevel } from '@vanguard/contracts';
import type { RuleRef } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';

type Launched = ContractData<typeof AwardProgrammeLaunched>;

/**
 * `awardingOrgLevel`: the awarding body's level per the service's organisation tree.
 * `eligibilityPolicies`: the versions this programme is held to; omitted, the current ones.
 */
export interface LaunchAwardProgramme {
  readonly type: 'LaunchAwardProgramme';
  readonly data: Omit<Launched, 'decision' | 'eligibilityPolicies'> & {
    readonly eligibilityPolicies?: readonly RuleRef[];
    readonly awardingOrgLevel: OrgLevel;
    readonly decidedBy: DecidedBy;
    readonly reason?: string;
  };
}

/** `unitOrgPath`: ids from the root down to the unit, from the tree copy. `today`: the date the handler read. */
export interface AllocateQuota {
  readonly type: 'AllocateQuota';
  readonly data: {
    readonly unitOrgId: string;
    readonly unitOrgPath: readonly string[];
    readonly category: AwardCategory;
    readonly places: number;
    readonly today: string;
    readonly decidedBy: DecidedBy;
    readonly reason?: string;
  };
}

export type ProgrammeCommand = LaunchAwardProgramme | AllocateQuota;
