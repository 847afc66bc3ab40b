import type { Decision } from '@vanguard/contracts';
import { assessmentDecider } from '../assessment/assessment.decide';
import type { AssessmentCommand } from '../assessment/assessment.commands';
import type { AssessmentEvent } from '../assessment/assessment.events';
import type { MonthlyRoundRead } from '../assessment/monthly-review-reads';
import { benchmarkDecider } from '../benchmark/benchmark.decide';
import { campaignDecider, campaignStream } from '../campaign/campaign.decide';
import type { CommentCycleRead, MakeLeaderComment } from '../comment/comment.commands';
import { commentCycleReadFrom } from '../comment/comment-cycle-read';
import { commentDecider } from '../comment/comment.decide';
import type { CommentEvent } from '../comment/comment.events';
import { massEvaluationDecider } from '../mass-evaluation/mass-evaluation.decide';
import { monthlyReviewStream } from '../monthly-review/monthly-review.decide';
import { massTallyDecider } from '../mass-tally/mass-tally.decide';
import type { MassTallyEvent } from '../mass-tally/mass-tally.events';
import { isPathInput } from '../org-path';
import { pioneerDecider } from '../pioneer/pioneer.decide';
import { pledgeDecider } from '../pledge/pledge.decide';
import type { TallyPeerBallots } from '../review/review.commands';
import { reviewDecider } from '../review/review.decide';
import type { ReviewEvent } from '../review/review.events';
import { MONTHLY_REVIEW_REPLAYERS } from './monthly-review-replayers';
import {
  foldRead,
  MissingReplayFactError,
  replayer,
  type Data,
  type DecisionReplayer,
  type Ev,
  type ReplayContext,
  type StreamRead,
} from './replayer';

export { MissingReplayFactError, type DecisionReplayer, type ReplayContext, type StreamRead, type StreamsRead } from './replayer';

/** The streams a decision read besides its own and the path: evidence, a ballot box, a window. */
const otherInputs = (d: Decision) => d.inputs.slice(1).filter((i) => !isPathInput(i));

/** The campaign stream a comment's decision read for the cycle it names, if it recorded one (ADR 0138). */
const campaignReadOf = (d: Decision): StreamRead | undefined => d.inputs.find((i) => i.streamId.startsWith(campaignStream('')));

/**
 * The cycle a comment named, read again from its campaign stream at the version the decision
 * recorded: never taken from the comment's own record, so a cycle rewritten in the record shows.
 * Null when the decision read no campaign (it named no cycle, or was recorded before the cycle rules).
 */
function commentCycleRead(ctx: ReplayContext, cycleId: string | null): CommentCycleRead | null {
  const read = campaignReadOf(ctx.decision);
  if (!read || cycleId === null) return null;
  const { state } = foldRead(ctx, read, campaignDecider);
  return commentCycleReadFrom(state, read.streamId, read.version, cycleId);
}

/**
 * The monthly rounds an assessment recorded, as reads again: the figures from the event, each round
 * stream at the version its decision input recorded (ADR 0050). A figure whose round is not among the
 * inputs replays at version -1, so the replay shows the record does not hold together.
 */
function monthlyReviewsRecorded(data: Data<AssessmentEvent, 'evaluation.OrganizationAssessed'>, decision: Decision): MonthlyRoundRead[] {
  return (data.monthlyReviews ?? []).map(({ scorePermille, rank, ...round }) => {
    const streamId = monthlyReviewStream(round.roundId);
    const version = decision.inputs.find((i) => i.streamId === streamId)?.version ?? -1;
    return { ...round, streamId, version, result: { scorePermille, rank } };
  });
}

/**
 * Every decision event of the evaluation context and how to replay it (issue 10, "Every decision
 * explains itself"). The audit service and the specs call `replayDecision`, which uses this table.
 */
export const DECISION_REPLAYERS: Readonly<Record<string, DecisionReplayer>> = {
  'evaluation.PledgeFiled': replayer({
    decider: pledgeDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (_: Ev['data'], { decision, path }) => ({
      type: 'FilePledge' as const,
      data: { decidedBy: decision.decidedBy, pledgerOrgPath: path, reason: decision.reason },
    }),
  }),
  'evaluation.PledgeReturned': replayer({
    decider: pledgeDecider,
    readsOwnStream: true,
    checksPath: true,
    // Recorded before the reason rule was (no checks): version 1, a reason of spaces being none.
    legacyChecks: { 'evaluation.decision.reason-given': 1 },
    command: (_: Ev['data'], { decision, path, ruleVersions }) => ({
      type: 'ReturnPledge' as const,
      data: { decidedBy: decision.decidedBy, pledgerOrgPath: path, reason: decision.reason, ruleVersions },
    }),
  }),
  'evaluation.PledgeFulfilled': replayer({
    decider: pledgeDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (_: Ev['data'], { decision, path }) => ({
      type: 'FulfilPledge' as const,
      data: { decidedBy: decision.decidedBy, filerOrgPath: path, reason: decision.reason },
    }),
  }),
  'evaluation.PledgeLapsed': replayer({
    decider: pledgeDecider,
    readsOwnStream: true,
    checksPath: true,
    // Recorded before the reason rule was (no checks): version 1, a reason of spaces being none.
    legacyChecks: { 'evaluation.decision.reason-given': 1 },
    command: (_: Ev['data'], { decision, path, ruleVersions }) => ({
      type: 'LapsePledge' as const,
      data: { decidedBy: decision.decidedBy, filerOrgPath: path, reason: decision.reason, ruleVersions },
    }),
  }),
  'evaluation.PledgeRated': replayer({
    decider: pledgeDecider,
    readsOwnStream: true,
    checksPath: false,
    // A rating recorded before the filing-level rule has no path: it names no version of the rule and runs without it.
    command: (
      data: { tally: { satisfied: number; basicallySatisfied: number; dissatisfied: number } },
      { decision, path, ruleVersions },
    ) => ({
      type: 'RatePledge' as const,
      data: { decidedBy: decision.decidedBy, tally: data.tally, filerOrgPath: path, ruleVersions },
    }),
  }),
  // The cycle named is read again from the campaign stream at the recorded version (ADR 0138); a
  // comment recorded before the cycle rules names them in no `checks` and replays without them.
  'evaluation.LeaderCommentMade': replayer({
    decider: commentDecider,
    readsOwnStream: false,
    checksPath: true,
    reads: (decision) => {
      const read = campaignReadOf(decision);
      return read ? [read] : [];
    },
    command: (data: Data<CommentEvent, 'evaluation.LeaderCommentMade'>, ctx): MakeLeaderComment => {
      const { decision, path, ruleVersions } = ctx;
      const { decision: _recorded, ...comment } = data;
      const contactPoint = decision.inputs.find((i) => i.streamId.startsWith('contact-point-')) ?? null;
      return {
        type: 'MakeLeaderComment',
        data: {
          ...comment,
          decidedBy: decision.decidedBy,
          right: { orgPath: path, contactPoint },
          cycle: commentCycleRead(ctx, data.cycleId),
          reason: decision.reason,
          ruleVersions,
        },
      };
    },
  }),
  'evaluation.RectificationCompleted': replayer({
    decider: commentDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (data: { findingId: string; completedOn: string }, { decision, path }) => ({
      type: 'CompleteRectification' as const,
      data: {
        findingId: data.findingId,
        completedOn: data.completedOn,
        decidedBy: decision.decidedBy,
        orgPath: path,
        reason: decision.reason,
      },
    }),
  }),
  'evaluation.MassEvaluationClosed': replayer({
    decider: massEvaluationDecider,
    readsOwnStream: true,
    checksPath: false,
    command: (data: { tally: { satisfied: number; basicallySatisfied: number; dissatisfied: number } }, { decision }) => ({
      type: 'CloseMassEvaluation' as const,
      data: { decidedBy: decision.decidedBy, tally: data.tally, ballotBox: otherInputs(decision)[0]! },
    }),
  }),
  // Published v2 (ADR 0031): who published, the closed window as read; v1 reads as v2 through the contracts' upcaster.
  'evaluation.MassEvaluationPublished': replayer({
    decider: massEvaluationDecider,
    readsOwnStream: true,
    checksPath: false,
    command: (_data: { windowId: string }, { decision }) => ({
      type: 'PublishMassEvaluation' as const,
      data: { decidedBy: decision.decidedBy },
    }),
  }),
  // A county's count: the member-in-branch check is recorded only when it ran and passed.
  'evaluation.MassEvaluationTallyRecorded': replayer({
    decider: massTallyDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (data: Data<MassTallyEvent, 'evaluation.MassEvaluationTallyRecorded'>, { decision, path }) => {
      const { satisfactionPermille: _rate, decision: _decision, ...counted } = data;
      return {
        type: 'RecordMassEvaluationTally' as const,
        data: { ...counted, decidedBy: decision.decidedBy, orgPath: path, memberInOrg: data.subject.kind === 'member' ? true : null },
      };
    },
  }),
  // A county's count of the peer ballots (the platform's own count records no decision and is not replayed).
  'evaluation.PeerBallotsTallied': replayer({
    decider: reviewDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (data: Data<ReviewEvent, 'evaluation.PeerBallotsTallied'>, { decision, path, ruleVersions }): TallyPeerBallots => ({
      type: 'TallyPeerBallots',
      data: {
        memberId: data.memberId,
        year: data.year,
        tally: data.tally,
        ...(data.criteria ? { criteria: data.criteria } : {}),
        activeMembers: data.activeMembers ?? 0,
        decidedBy: decision.decidedBy,
        memberOrgPath: path,
        ...(data.heldOn ? { heldOn: data.heldOn } : {}),
        ruleVersions,
      },
    }),
  }),
  'evaluation.ReviewConcluded': replayer({
    decider: reviewDecider,
    readsOwnStream: true,
    checksPath: true,
    // Conclusions recorded before `checks` ran branch-concludes v1 or v2; v1 allows every one of them.
    legacyChecks: { 'evaluation.review.branch-concludes': 1 },
    command: (data: { grade: 'excellent' | 'qualified' | 'basically_qualified' | 'unqualified' }, { decision, path, ruleVersions }) => ({
      type: 'ConcludeReview' as const,
      data: {
        grade: data.grade,
        decidedBy: decision.decidedBy,
        memberOrgPath: path,
        reason: decision.reason,
        evidence: otherInputs(decision),
        ruleVersions,
      },
    }),
  }),
  'evaluation.ReviewApproved': replayer({
    decider: reviewDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (_: Ev['data'], { decision, path, ruleVersions }) => ({
      type: 'ApproveReview' as const,
      data: { decidedBy: decision.decidedBy, memberOrgPath: path, reason: decision.reason, ruleVersions },
    }),
  }),
  'evaluation.ReviewReturned': replayer({
    decider: reviewDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (_: Ev['data'], { decision, path, ruleVersions }) => ({
      type: 'ReturnReview' as const,
      data: { decidedBy: decision.decidedBy, memberOrgPath: path, reason: decision.reason, ruleVersions },
    }),
  }),
  'evaluation.OrganizationAssessed': replayer({
    decider: assessmentDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (data: Data<AssessmentEvent, 'evaluation.OrganizationAssessed'>, ctx): AssessmentCommand => {
      // The satisfaction read: an online window's, or a county's paper count (mass-tally, ADR 0046).
      const window = ctx.decision.inputs.find((i) => i.streamId.startsWith('mass-evaluation-') || i.streamId.startsWith('mass-tally-'));
      if (window && typeof ctx.satisfactionPermille !== 'number') throw new MissingReplayFactError('satisfactionPermille');
      return {
        type: 'AssessOrganization',
        data: {
          orgId: data.orgId,
          period: data.period,
          scores: data.scores,
          satisfaction: window ? { permille: ctx.satisfactionPermille as number, ...window } : null,
          monthlyReviews: monthlyReviewsRecorded(data, ctx.decision),
          decidedBy: ctx.decision.decidedBy,
          orgPath: ctx.path,
          ruleVersion: ctx.decision.rule.version,
          reason: ctx.decision.reason,
          // A decision from before the day was recorded ran no rule that reads it (ruleVersions names none).
          assessedOn: data.assessedOn ?? '',
          ruleVersions: ctx.ruleVersions,
        },
      };
    },
  }),
  'evaluation.BenchmarkReached': replayer({
    decider: benchmarkDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (_: Ev['data'], { decision, path }) => ({
      type: 'ConfirmBenchmarkReached' as const,
      data: { decidedBy: decision.decidedBy, orgPath: path, reason: decision.reason },
    }),
  }),
  'evaluation.QuarterPioneerSelected': replayer({
    decider: pioneerDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (
      data: { candidate: { kind: 'member' | 'organization'; id: string }; votesFor: number; votesCast: number },
      { decision, path },
    ) => ({
      type: 'SelectQuarterPioneer' as const,
      data: {
        candidate: data.candidate,
        votesFor: data.votesFor,
        votesCast: data.votesCast,
        decidedBy: decision.decidedBy,
        orgPath: path,
        reason: decision.reason,
      },
    }),
  }),
  ...MONTHLY_REVIEW_REPLAYERS,
};
