import type { ContractData, PledgeMade, PledgeProgressReported, RatingTally } from '@vanguard/contracts';
import type { RuleVersionChoice } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

type Made = ContractData<typeof PledgeMade>;

/** The cycle a pledge is made in, as the handler read it (its stream and version are recorded). */
export interface CycleFacts {
  readonly streamId: string;
  readonly version: number;
  readonly open: boolean;
  readonly startsOn: string;
  readonly endsOn: string;
}

/** The pledge a new one follows (再承诺), as the handler read it. */
export interface FollowedPledgeFacts {
  readonly pledgeId: string;
  readonly streamId: string;
  readonly version: number;
  readonly fulfilled: boolean;
}

export interface MakePledge {
  readonly type: 'MakePledge';
  readonly data: Omit<Made, 'followsPledgeId'> & {
    readonly today: string;
    readonly cycle: CycleFacts;
    readonly follows: FollowedPledgeFacts | null;
  };
}
/** `decidedBy`: who amends — the pledging organisation only. */
export interface AmendPledge {
  readonly type: 'AmendPledge';
  readonly data: Pick<Made, 'category' | 'content' | 'dueOn'> & {
    readonly today: string;
    readonly cycleEndsOn: string;
    readonly decidedBy: DecidedBy;
  };
}
/** `pledgerOrgPath`: the pledger's organisation's path from the tree copy (recorded among the decision's inputs). */
export interface FilePledge {
  readonly type: 'FilePledge';
  readonly data: { readonly decidedBy: DecidedBy; readonly pledgerOrgPath: OrgPath; readonly reason: string };
}
/** `ruleVersions`: a replay's recorded versions; the service leaves it out and runs the versions in force. */
export interface ReturnPledge {
  readonly type: 'ReturnPledge';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly pledgerOrgPath: OrgPath;
    readonly reason: string;
    readonly ruleVersions?: RuleVersionChoice;
  };
}
export interface PublishPledge {
  readonly type: 'PublishPledge';
  readonly data: Record<string, never>;
}
/**
 * `reportedBy`: the organisation the caller acts for, or `county` for a county system's relay of
 * the pledger's own report (its gate has matched the pledger already, COUNTY.PLEDGER_MISMATCH).
 */
export interface ReportPledgeProgress {
  readonly type: 'ReportPledgeProgress';
  readonly data: Pick<ContractData<typeof PledgeProgressReported>, 'note' | 'percent'> & {
    readonly reportedBy: DecidedBy | 'county';
  };
}
/** `filerOrgPath`: the path of the organisation that filed the pledge (recorded among the decision's inputs). */
export interface FulfilPledge {
  readonly type: 'FulfilPledge';
  readonly data: { readonly decidedBy: DecidedBy; readonly filerOrgPath: OrgPath; readonly reason: string };
}
export interface LapsePledge {
  readonly type: 'LapsePledge';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly filerOrgPath: OrgPath;
    readonly reason: string;
    readonly ruleVersions?: RuleVersionChoice;
  };
}
/** `filerOrgPath`: the path of the organisation that filed the pledge, as for closing it. */
export interface RatePledge {
  readonly type: 'RatePledge';
  readonly data: {
    readonly decidedBy: DecidedBy;
    readonly tally: RatingTally;
    readonly filerOrgPath: OrgPath;
    /** A replay's: the rule versions the rating recorded; the filing-level rule runs only where recorded. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}

export type PledgeCommand =
  MakePledge | AmendPledge | FilePledge | ReturnPledge | PublishPledge | ReportPledgeProgress | FulfilPledge | LapsePledge | RatePledge;
