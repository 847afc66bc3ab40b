import type { AwardCategory, AwardProgrammeLaunched, ContractData, OrgLevel } from '@vanguard/contracts';
import type { RuleRef } from '@vanguard/kernel';
import type { DecidedBy, OrgVersions } from '../decided-by';

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
    /** The tree copy's version of the awarding body, whose level was read (optional, recorded as an input). */
    readonly orgVersions?: OrgVersions;
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
    /** The tree copy's version of each organisation on `unitOrgPath` (optional, recorded as inputs). */
    readonly orgVersions?: OrgVersions;
  };
}

export type ProgrammeCommand = LaunchAwardProgramme | AllocateQuota;
