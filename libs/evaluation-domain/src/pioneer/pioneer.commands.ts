import type { ContractData, QuarterPioneerNominated } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

type Candidate = ContractData<typeof QuarterPioneerNominated>['candidate'];

/**
 * Where a candidate stands, as the handler read it: a member from the roster (`known` false
 * when the roster has no such member; `orgPath` the path of the member's organisation), an
 * organisation from the tree copy (`known` false when the copy has no active one).
 */
export interface CandidateStanding {
  readonly known: boolean;
  readonly active: boolean;
  readonly orgPath: readonly string[];
}

export interface NominateQuarterPioneer {
  readonly type: 'NominateQuarterPioneer';
  /** `cycleOpen`: whether the cycle was open when the handler read it. */
  readonly data: ContractData<typeof QuarterPioneerNominated> & { readonly cycleOpen: boolean; readonly standing: CandidateStanding };
}
export interface SelectQuarterPioneer {
  readonly type: 'SelectQuarterPioneer';
  readonly data: {
    readonly candidate: Candidate;
    readonly votesFor: number;
    readonly votesCast: number;
    readonly decidedBy: DecidedBy;
    /** The path of the organisation whose pioneer is selected, recorded among the decision's inputs. */
    readonly orgPath: OrgPath;
    readonly reason: string;
  };
}
export type PioneerCommand = NominateQuarterPioneer | SelectQuarterPioneer;
