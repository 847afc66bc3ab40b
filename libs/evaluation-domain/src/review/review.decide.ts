import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import type { ApproveReview, ConcludeReview, ReturnReview, ReviewCommand, SubmitSelfAssessment, TallyPeerBallots } from './review.commands';
import type { ReviewEvent } from './review.events';
import {
  BallotsDoNotOutnumberTheBranchRule,
  BallotsFollowTheSelfAssessmentRule,
  BranchConcludesForItsMembersRule,
  ConclusionFollowsTheBallotsRule,
  ConclusionIsApprovedAboveRule,
  ConcluderDoesNotApproveRule,
  GradeIsBorneOutByTheBallotsRule,
  OnlyAConclusionIsApprovedRule,
  ReturnGivesAReasonRule,
  SelfAssessmentComesFirstRule,
} from './review.rules';
import { evolve, initialState, type ReviewState } from './review.state';

const self = (s: ReviewState) => ({ streamId: `review-${s.memberId}-${s.year}`, version: s.version });

export function submitSelfAssessment({ data }: SubmitSelfAssessment, state: ReviewState): ReviewEvent[] {
  checkRule(new SelfAssessmentComesFirstRule(state.status));
  return [{ type: 'evaluation.SelfAssessmentSubmitted', data }];
}

export function tallyPeerBallots({ data }: TallyPeerBallots, state: ReviewState): ReviewEvent[] {
  checkRule(new BallotsFollowTheSelfAssessmentRule(state.status));
  checkRule(new BranchConcludesForItsMembersRule(data.decidedBy, data.memberOrgPath));
  checkRule(new BallotsDoNotOutnumberTheBranchRule(data.tally, data.activeMembers));
  const { memberId, year, tally, activeMembers } = data;
  return [{ type: 'evaluation.PeerBallotsTallied', data: { memberId, year, tally, activeMembers } }];
}

export function concludeReview({ data }: ConcludeReview, state: ReviewState): ReviewEvent[] {
  checkRule(new ConclusionFollowsTheBallotsRule(state.status));
  checkRule(new BranchConcludesForItsMembersRule(data.decidedBy, data.memberOrgPath));
  const rule = new GradeIsBorneOutByTheBallotsRule(state, data.grade, data.reason);
  checkRule(rule);
  return [
    {
      type: 'evaluation.ReviewConcluded',
      data: {
        memberId: state.memberId!,
        year: state.year!,
        grade: data.grade,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(state), ...(data.evidence ?? []).map(({ streamId, version }) => ({ streamId, version }))],
          rule: ruleRef(rule),
          reason: data.reason,
        },
      },
    },
  ];
}

export function approveReview({ data }: ApproveReview, state: ReviewState): ReviewEvent[] {
  checkRule(new OnlyAConclusionIsApprovedRule(state.status));
  const rule = new ConclusionIsApprovedAboveRule(data.decidedBy, data.memberOrgPath, state.concludedBy);
  checkRule(rule);
  checkRule(new ConcluderDoesNotApproveRule(data.decidedBy, state.concludedBy));
  return [
    {
      type: 'evaluation.ReviewApproved',
      data: {
        memberId: state.memberId!,
        year: state.year!,
        grade: state.grade!,
        decision: { decidedBy: data.decidedBy, inputs: [self(state)], rule: ruleRef(rule), reason: data.reason },
      },
    },
  ];
}

export function returnReview({ data }: ReturnReview, state: ReviewState): ReviewEvent[] {
  checkRule(new OnlyAConclusionIsApprovedRule(state.status));
  const rule = new ConclusionIsApprovedAboveRule(data.decidedBy, data.memberOrgPath, state.concludedBy);
  checkRule(rule);
  checkRule(new ConcluderDoesNotApproveRule(data.decidedBy, state.concludedBy));
  checkRule(new ReturnGivesAReasonRule(data.reason));
  return [
    {
      type: 'evaluation.ReviewReturned',
      data: {
        memberId: state.memberId!,
        year: state.year!,
        decision: { decidedBy: data.decidedBy, inputs: [self(state)], rule: ruleRef(rule), reason: data.reason },
      },
    },
  ];
}

export function decide(command: ReviewCommand, state: ReviewState): ReviewEvent[] {
  switch (command.type) {
    case 'SubmitSelfAssessment':
      return submitSelfAssessment(command, state);
    case 'TallyPeerBallots':
      return tallyPeerBallots(command, state);
    case 'ConcludeReview':
      return concludeReview(command, state);
    case 'ApproveReview':
      return approveReview(command, state);
    case 'ReturnReview':
      return returnReview(command, state);
  }
}

/** 民主评议党员: one member, one year. */
export const reviewDecider: Decider<ReviewCommand, ReviewState, ReviewEvent> = { initialState, evolve, decide };
