import type { ContractData, PeerBallotsTallied, ReviewConcluded, SelfAssessmentSubmitted } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';
import type { RuleVersionChoice } from '@vanguard/kernel';

export interface SubmitSelfAssessment {
  readonly type: 'SubmitSelfAssessment';
  readonly data: ContractData<typeof SelfAssessmentSubmitted>;
}
export interface TallyPeerBallots {
  readonly type: 'TallyPeerBallots';
  /**
   * `activeMembers`: the branch's active members per the roster, read by the handler; recorded on the event.
   * `criteria`: the ballots on each of the five models, when the branch counted them.
   * `heldOn`: set when a county system relays a count held on that day (county.DemocraticReviewTallied):
   * such a count is recorded as a decision naming who sent it, and replaces the one in force until
   * the branch concludes.
   */
  readonly data: Pick<ContractData<typeof PeerBallotsTallied>, 'memberId' | 'year' | 'tally' | 'criteria'> & {
    readonly activeMembers: number;
    readonly decidedBy: DecidedBy;
    readonly memberOrgPath: OrgPath;
    readonly heldOn?: string;
    /** A replay's recorded versions (a county tally's `checks`); the service leaves it out and runs every rule in force. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}
/**
 * `memberOrgPath`: the member's branch's path from the tree copy, recorded among the inputs.
 * `ruleVersions`: left out by the service (the versions in force); a replay passes the
 * versions the decision recorded. `evidence`: the streams at
 * the versions the handler's evidence pack read (kept and lapsed pledges, …), recorded as the
 * conclusion's inputs beside the review itself (whose version carries the ballot tally).
 */
export interface ConcludeReview {
  readonly type: 'ConcludeReview';
  readonly data: {
    readonly grade: ContractData<typeof ReviewConcluded>['grade'];
    readonly decidedBy: DecidedBy;
    readonly memberOrgPath: OrgPath;
    readonly reason: string;
    readonly evidence?: readonly { readonly streamId: string; readonly version: number }[];
    readonly ruleVersions?: RuleVersionChoice;
  };
}
interface ApprovalData {
  readonly decidedBy: DecidedBy;
  readonly memberOrgPath: OrgPath;
  readonly reason: string;
  readonly ruleVersions?: RuleVersionChoice;
}
export interface ApproveReview {
  readonly type: 'ApproveReview';
  readonly data: ApprovalData;
}
export interface ReturnReview {
  readonly type: 'ReturnReview';
  readonly data: ApprovalData;
}

export type ReviewCommand = SubmitSelfAssessment | TallyPeerBallots | ConcludeReview | ApproveReview | ReturnReview;
