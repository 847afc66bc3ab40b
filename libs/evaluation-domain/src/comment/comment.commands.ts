import type { ContractData, LeaderCommentMade } from '@vanguard/contracts';
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

export interface MakeLeaderComment {
  readonly type: 'MakeLeaderComment';
  readonly data: Omit<ContractData<typeof LeaderCommentMade>, 'decision'> & {
    readonly decidedBy: DecidedBy;
    readonly right: CommentRight;
    readonly reason: string;
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

export type CommentCommand = MakeLeaderComment | CompleteRectification | MarkOverdueRectifications;
