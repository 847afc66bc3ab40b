import type { ContractData, QuarterPioneerNominated } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';

type Candidate = ContractData<typeof QuarterPioneerNominated>['candidate'];

export interface NominateQuarterPioneer {
  readonly type: 'NominateQuarterPioneer';
  /** `cycleOpen`: whether the cycle was open when the handler read it. */
  readonly data: ContractData<typeof QuarterPioneerNominated> & { readonly cycleOpen: boolean };
}
export interface SelectQuarterPioneer {
  readonly type: 'SelectQuarterPioneer';
  readonly data: {
    readonly candidate: Candidate;
    readonly votesFor: number;
    readonly votesCast: number;
    readonly decidedBy: DecidedBy;
    /** ids from the root down to the organisation selecting. */
    readonly orgPath: readonly string[];
    readonly reason: string;
  };
}
export type PioneerCommand = NominateQuarterPioneer | SelectQuarterPioneer;
