import type { ContractData, PeerBallotsTallied, ReviewConcluded, SelfAssessmentSubmitted } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';

export interface SubmitSelfAssessment {
  readonly type: 'SubmitSelfAssessment';
  readonly data: ContractData<typeof SelfAssessmentSubmitted>;
}
export interface TallyPeerBallots {
  readonly type: 'TallyPeerBallots';
  /** `activeMembers`: the branch's active members per the roster, read by the handler; recorded on the event. */
  readonly data: ContractData<typeof PeerBallotsTallied> & {
    readonly activeMembers: number;
    readonly decidedBy: DecidedBy;
    readonly memberOrgPath: readonly string[];
  };
}
/**
 * `memberOrgPath`: ids from the root down to the member's branch. `evidence`: the streams at
 * the versions the handler's evidence pack read (kept and lapsed pledges, …), recorded as the
 * conclusion's inputs beside the review itself (whose version carries the ballot tally).
 */
export interface ConcludeReview {
  readonly type: 'ConcludeReview';
  readonly data: {
    readonly grade: ContractData<typeof ReviewConcluded>['grade'];
    readonly decidedBy: DecidedBy;
    readonly memberOrgPath: readonly string[];
    readonly reason: string;
    readonly evidence?: readonly { readonly streamId: string; readonly version: number }[];
  };
}
export interface ApproveReview {
  readonly type: 'ApproveReview';
  readonly data: { readonly decidedBy: DecidedBy; readonly memberOrgPath: readonly string[]; readonly reason: string };
}
export interface ReturnReview {
  readonly type: 'ReturnReview';
  readonly data: { readonly decidedBy: DecidedBy; readonly memberOrgPath: readonly string[]; readonly reason: string };
}

export type ReviewCommand = SubmitSelfAssessment | TallyPeerBallots | ConcludeReview | ApproveReview | ReturnReview;
