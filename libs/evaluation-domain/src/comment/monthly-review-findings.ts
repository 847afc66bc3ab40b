import type { ContractData, MonthlyReviewFindingsRecorded } from '@vanguard/contracts';
import { checkRule, ruleRef } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { ReviewedByTheZoneLeaderOrAnOrganizerAboveRule, ScoredUnitsAreInTheRoundRule } from '../monthly-review/monthly-review.rules';
import { pathInputs, type OrgPath } from '../org-path';
import { CommentIsMadeOnceRule, FindingsHaveADeadlineAfterTheCommentRule } from './comment.rules';
import type { CommentEvent } from './comment.events';
import type { CommentState } from './comment.state';
import { ProblemsAreListedRule } from './mass-evaluation-findings.rules';

/** The round as the handler read it: its leader, units, stream version, and the campaign root's path. */
export interface MonthlyReviewRead {
  readonly roundId: string;
  readonly leader: string;
  readonly units: readonly string[];
  readonly version: number;
  readonly rootPath: OrgPath;
}

/** 观摩点评发现问题: what a round found at one of its units, by those who may review it (ADR 0047). */
export interface RecordMonthlyReviewFindings {
  readonly type: 'RecordMonthlyReviewFindings';
  readonly data: Pick<ContractData<typeof MonthlyReviewFindingsRecorded>, 'commentId' | 'orgId' | 'recordedOn' | 'summary' | 'findings'> & {
    readonly round: MonthlyReviewRead;
    readonly orgPath: OrgPath;
    readonly decidedBy: DecidedBy;
    readonly reason: string;
  };
}

/**
 * Opens a findings stream like an inspection's (ADR 0038): deadline, completion from above and
 * overdue are the comment slice's rules; who may record is the round's one rule, not a copy.
 */
export function recordMonthlyReviewFindings({ data }: RecordMonthlyReviewFindings, state: CommentState): CommentEvent[] {
  checkRule(new CommentIsMadeOnceRule(state));
  const right = new ReviewedByTheZoneLeaderOrAnOrganizerAboveRule(data.decidedBy, data.round.leader, data.round.rootPath);
  checkRule(right);
  const inRound = new ScoredUnitsAreInTheRoundRule(new Set(data.round.units), [data.orgId]);
  checkRule(inRound);
  checkRule(new ProblemsAreListedRule(data.findings));
  checkRule(new FindingsHaveADeadlineAfterTheCommentRule(data.recordedOn, data.findings));
  return [
    {
      type: 'evaluation.MonthlyReviewFindingsRecorded',
      data: {
        commentId: data.commentId,
        roundId: data.round.roundId,
        orgId: data.orgId,
        recordedOn: data.recordedOn,
        summary: data.summary,
        findings: data.findings,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: `monthly-review-${data.round.roundId}`, version: data.round.version }, ...pathInputs(data.orgPath)].slice(
            0,
            100,
          ),
          rule: ruleRef(right),
          checks: [ruleRef(inRound)],
          reason: data.reason,
        },
      },
    },
  ];
}
