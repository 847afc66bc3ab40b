import type { RecordMonthlyReviewFindings } from './monthly-review-findings';
import type { ContractData, InspectionFindingsRecorded, LeaderCommentMade, MassEvaluationFindingsRecorded } from '@vanguard/contracts';
import type { RuleVersionChoice } from '@vanguard/kernel';
import type { CycleStatus } from '../campaign/campaign.state';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

/**
 * The commenter's right to comment, as the handler read it: the path of the organisation
 * commented on (root first, recorded among the inputs), and the contact point (领导干部联系点) that links the commenter
 * to it, if any — its stream and version are recorded as an input.
 */
export interface CommentRight {
  readonly orgPath: OrgPath;
  readonly contactPoint: { readonly streamId: string; readonly version: number } | null;
}

/**
 * The cycle a comment names (`cycleId`), as the handler read it: the campaign stream that plans it
 * at the version read (recorded as an input), the root of that campaign's subtree, and the cycle's
 * status then. Null when the comment names no cycle, or when no campaign plans the one it names.
 */
export interface CommentCycleRead {
  readonly streamId: string;
  readonly version: number;
  readonly campaignOrgId: string;
  readonly status: CycleStatus;
}

export interface MakeLeaderComment {
  readonly type: 'MakeLeaderComment';
  readonly data: Omit<ContractData<typeof LeaderCommentMade>, 'decision'> & {
    readonly decidedBy: DecidedBy;
    readonly right: CommentRight;
    readonly cycle: CommentCycleRead | null;
    readonly reason: string;
    /** A replay's rule versions (the recorded `rule` and `checks`); the service leaves it out. */
    readonly ruleVersions?: RuleVersionChoice;
  };
}
export interface CompleteRectification {
  readonly type: 'CompleteRectification';
  readonly data: {
    readonly findingId: string;
    readonly completedOn: string;
    readonly decidedBy: DecidedBy;
    /** The path of the organisation that rectifies, recorded among the decision's inputs. */
    readonly orgPath: OrgPath;
    readonly reason: string;
  };
}
/** The daily check: every open rectification past its deadline is marked overdue once. */
export interface MarkOverdueRectifications {
  readonly type: 'MarkOverdueRectifications';
  readonly data: { readonly today: string };
}

/**
 * The window as the handler read it: its status, whose it is, the organisation that rectifies,
 * and the stream version (recorded as the decision's input).
 */
export interface WindowRead {
  readonly windowId: string;
  readonly status: 'none' | 'open' | 'closed' | 'published';
  readonly orgId: string;
  readonly subject: { readonly kind: 'organization' | 'member'; readonly id: string };
  readonly version: number;
}

/** 群众评议问题整改: the organiser records the problems the masses raised as findings (on `comment-<windowId>`). */
export interface RecordMassEvaluationFindings {
  readonly type: 'RecordMassEvaluationFindings';
  readonly data: Pick<ContractData<typeof MassEvaluationFindingsRecorded>, 'recordedOn' | 'summary' | 'findings'> & {
    readonly window: WindowRead;
    /** The path of the window's organisation, root first, recorded among the decision's inputs. */
    readonly orgPath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}

/** The inspection as the handler read it: its group's members, its units, and the stream version (an input). */
export interface InspectionRead {
  readonly inspectionId: string;
  readonly members: readonly string[];
  readonly units: readonly string[];
  readonly version: number;
}

/** 督导检查发现问题: a member of the group records the problems found at one unit (ADR 0038). */
export interface RecordInspectionFindings {
  readonly type: 'RecordInspectionFindings';
  readonly data: Pick<ContractData<typeof InspectionFindingsRecorded>, 'commentId' | 'orgId' | 'recordedOn' | 'summary' | 'findings'> & {
    readonly inspection: InspectionRead;
    /** The path of the unit, root first, recorded among the decision's inputs. */
    readonly orgPath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}

export type CommentCommand =
  | MakeLeaderComment
  | RecordMassEvaluationFindings
  | RecordInspectionFindings
  | RecordMonthlyReviewFindings
  | CompleteRectification
  | MarkOverdueRectifications;
