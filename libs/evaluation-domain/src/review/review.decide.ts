import { PeriodHasBegunRule } from '../period-begun.rule';
import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import type { ApproveReview, ConcludeReview, ReturnReview, ReviewCommand, SubmitSelfAssessment, TallyPeerBallots } from './review.commands';
import type { Decision } from '@vanguard/contracts';
import { idsOf, pathInputs } from '../org-path';
import type { ReviewEvent } from './review.events';
import {
  APPROVED_ABOVE,
  BRANCH_CONCLUDES,
  BallotsDoNotOutnumberTheBranchRule,
  BallotsFollowTheSelfAssessmentRule,
  BranchConcludesForItsMembersRule,
  ConclusionFollowsTheBallotsRule,
  ConcluderDoesNotApproveRule,
  CountyTallyIsNotOlderRule,
  CountyTallyReplacesBeforeConclusionRule,
  CriteriaWithinTheBallotsRule,
  GRADE_BORNE_OUT,
  OnlyAConclusionIsApprovedRule,
  RETURN_GIVES_A_REASON,
  SelfAssessmentComesFirstRule,
  TallyCountsBallotsRule,
} from './review.rules';
import { checksFromV2, choiceForRuleRecordedFromV2, ruleRanFor } from '../rules-recorded-later';
import { evolve, initialState, type ReviewState } from './review.state';

const self = (s: ReviewState) => ({ streamId: `review-${s.memberId}-${s.year}`, version: s.version });

export function submitSelfAssessment({ data }: SubmitSelfAssessment, state: ReviewState): ReviewEvent[] {
  checkRule(new SelfAssessmentComesFirstRule(state.status));
  // Not a decision (nothing replays it): the review of a year begins with it, so a year to come stops here.
  checkRule(new PeriodHasBegunRule(String(data.year), data.submittedOn));
  return [{ type: 'evaluation.SelfAssessmentSubmitted', data }];
}

/**
 * 民主测评计票, once after the self-assessment; a county's count (`heldOn` set) is a decision naming
 * who sent it and, until the branch concludes, replaces the tally in force (`replaces`).
 */
export function tallyPeerBallots({ data }: TallyPeerBallots, state: ReviewState): ReviewEvent[] {
  const { memberId, year, tally, criteria, activeMembers, heldOn } = data;
  const recount = heldOn !== undefined && state.status !== 'none' && state.status !== 'self_assessed';
  const order = recount ? new CountyTallyReplacesBeforeConclusionRule(state.status) : new BallotsFollowTheSelfAssessmentRule(state.status);
  checkRule(order);
  const notOlder = recount ? new CountyTallyIsNotOlderRule(heldOn, state.tallyHeldOn) : null;
  if (notOlder) checkRule(notOlder);
  const branch = new BranchConcludesForItsMembersRule(data.decidedBy, idsOf(data.memberOrgPath));
  checkRule(branch);
  // A county tally recorded before the rule shipped names no version of it and ran without it.
  const cast = ruleRanFor('evaluation.review.tally-has-ballots', data.ruleVersions) ? new TallyCountsBallotsRule(tally) : null;
  if (cast) checkRule(cast);
  const within = new BallotsDoNotOutnumberTheBranchRule(tally, activeMembers);
  checkRule(within);
  const byCriteria = criteria ? new CriteriaWithinTheBallotsRule(tally, criteria) : null;
  if (byCriteria) checkRule(byCriteria);
  const counted = { memberId, year, tally, activeMembers, ...(criteria ? { criteria } : {}) };
  if (heldOn === undefined) return [{ type: 'evaluation.PeerBallotsTallied', data: counted }];
  const replaced = recount
    ? { version: state.tallyVersion!, ...(state.tallyHeldOn ? { heldOn: state.tallyHeldOn } : {}), tally: state.tally! }
    : null;
  return [
    {
      type: 'evaluation.PeerBallotsTallied',
      data: {
        ...counted,
        heldOn,
        ...(replaced ? { replaces: replaced } : {}),
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(state), ...pathInputs(data.memberOrgPath)],
          rule: ruleRef(order),
          checks: [
            ...(notOlder ? [ruleRef(notOlder)] : []),
            ruleRef(branch),
            ...(cast ? [ruleRef(cast)] : []),
            ruleRef(within),
            ...(byCriteria ? [ruleRef(byCriteria)] : []),
          ],
          reason: replaced
            ? `县级系统 ${heldOn} 的计票替换第 ${replaced.version} 版的计票 / the county's count of ${heldOn} replaces the tally of version ${replaced.version}`
            : `县级系统 ${heldOn} 计票 / counted by the county system on ${heldOn}`,
        },
      },
    },
  ];
}

export function concludeReview({ data }: ConcludeReview, state: ReviewState): ReviewEvent[] {
  checkRule(new ConclusionFollowsTheBallotsRule(state.status));
  const branch = BRANCH_CONCLUDES.create(data.ruleVersions, data.decidedBy, idsOf(data.memberOrgPath));
  checkRule(branch);
  const rule = GRADE_BORNE_OUT.create(data.ruleVersions, state, data.grade, data.reason);
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
          inputs: [
            self(state),
            ...(data.evidence ?? []).map(({ streamId, version }) => ({ streamId, version })),
            ...pathInputs(data.memberOrgPath),
          ],
          rule: ruleRef(rule),
          checks: [ruleRef(branch)],
          reason: data.reason,
        },
      },
    },
  ];
}

/**
 * 上级审批 by the level above the one that concluded, under the approved-above version chosen
 * (in force, or recorded on replay); from version 2 on, never by the one who concluded.
 */
function approval(data: ApproveReview['data'], state: ReviewState): Decision {
  checkRule(new OnlyAConclusionIsApprovedRule(state.status));
  const rule = APPROVED_ABOVE.create(data.ruleVersions, data.decidedBy, idsOf(data.memberOrgPath), state.concludedBy);
  checkRule(rule);
  const fourEyes = rule.version >= 2 ? new ConcluderDoesNotApproveRule(data.decidedBy, state.concludedBy) : null;
  if (fourEyes) checkRule(fourEyes);
  return {
    decidedBy: data.decidedBy,
    inputs: [self(state), ...pathInputs(data.memberOrgPath)],
    rule: ruleRef(rule),
    ...(fourEyes ? { checks: [ruleRef(fourEyes)] } : {}),
    reason: data.reason,
  };
}

export function approveReview({ data }: ApproveReview, state: ReviewState): ReviewEvent[] {
  const decision = approval(data, state);
  return [
    {
      type: 'evaluation.ReviewApproved',
      data: {
        memberId: state.memberId!,
        year: state.year!,
        grade: state.grade!,
        decision,
      },
    },
  ];
}

export function returnReview({ data }: ReturnReview, state: ReviewState): ReviewEvent[] {
  const decision = approval(data, state);
  const reason = RETURN_GIVES_A_REASON.create(choiceForRuleRecordedFromV2(RETURN_GIVES_A_REASON, data.ruleVersions), data.reason);
  checkRule(reason);
  const checks = [...(decision.checks ?? []), ...checksFromV2(reason)];
  return [
    {
      type: 'evaluation.ReviewReturned',
      data: {
        memberId: state.memberId!,
        year: state.year!,
        decision: { ...decision, ...(checks.length > 0 ? { checks } : {}) },
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
