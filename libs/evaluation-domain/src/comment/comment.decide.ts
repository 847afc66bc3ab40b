import { checkRule, ruleRef, type Decider, type RuleRef } from '@vanguard/kernel';
import type {
  CommentCommand,
  CompleteRectification,
  MakeLeaderComment,
  MarkOverdueRectifications,
  RecordInspectionFindings,
  RecordMassEvaluationFindings,
} from './comment.commands';
import { idsOf, pathInputs } from '../org-path';
import { ruleRanFor } from '../rules-recorded-later';
import type { CommentEvent } from './comment.events';
import {
  CommentIsByALeaderAboveOrTheContactPointRule,
  CommentIsMadeOnceRule,
  CommentIsOnACycleThatHasOpenedRule,
  CommentNamesACycleOfTheOrganisationsCampaignRule,
  FindingsHaveADeadlineAfterTheCommentRule,
  RectificationIsConfirmedFromAboveRule,
  RectificationIsOpenRule,
} from './comment.rules';
import { evolve, initialState, type CommentState } from './comment.state';
import { recordMonthlyReviewFindings } from './monthly-review-findings';
import { InspectionFindingsAreAtAnInspectedUnitRule, InspectionFindingsAreRecordedByTheGroupRule } from './inspection-findings.rules';
import {
  ProblemsAreListedRule,
  ProblemsAreRecordedAfterTheWindowClosesRule,
  ProblemsAreRecordedByTheOrganiserRule,
} from './mass-evaluation-findings.rules';

/**
 * The cycle a comment names, checked against the campaign stream the handler read (ADR 0138). The
 * service runs both rules; a replay runs those its decision recorded, so a comment recorded before
 * they shipped replays as it was decided. Recorded in `checks` only when a cycle is named: for a
 * comment that names none they pass whatever they read, and its decision stays as it always was.
 */
function checkTheCycle(data: MakeLeaderComment['data']): RuleRef[] {
  const rules = [
    new CommentNamesACycleOfTheOrganisationsCampaignRule(data.cycleId, data.cycle, idsOf(data.right.orgPath)),
    new CommentIsOnACycleThatHasOpenedRule(data.cycle),
  ].filter((rule) => ruleRanFor(rule.id, data.ruleVersions));
  rules.forEach(checkRule);
  return data.cycleId === null ? [] : rules.map(ruleRef);
}

export function makeLeaderComment({ data }: MakeLeaderComment, state: CommentState): CommentEvent[] {
  checkRule(new CommentIsMadeOnceRule(state));
  const right = new CommentIsByALeaderAboveOrTheContactPointRule(data.decidedBy, data.right);
  checkRule(right);
  const checks = checkTheCycle(data);
  checkRule(new FindingsHaveADeadlineAfterTheCommentRule(data.madeOn, data.findings));
  const { decidedBy, right: facts, cycle, reason, ruleVersions: _ruleVersions, ...comment } = data;
  const cycleRead = cycle && comment.cycleId !== null ? [{ streamId: cycle.streamId, version: cycle.version }] : [];
  return [
    {
      type: 'evaluation.LeaderCommentMade',
      data: {
        ...comment,
        decision: {
          decidedBy,
          inputs: [...(facts.contactPoint ? [facts.contactPoint] : []), ...cycleRead, ...pathInputs(facts.orgPath)],
          rule: ruleRef(right),
          ...(checks.length > 0 ? { checks } : {}),
          reason,
        },
      },
    },
  ];
}

/**
 * The problems a closed mass evaluation raised become findings on `comment-<windowId>`: from then
 * on they are completed, marked overdue and listed by the very rules and events of a leader's comment.
 */
export function recordMassEvaluationFindings({ data }: RecordMassEvaluationFindings, state: CommentState): CommentEvent[] {
  checkRule(new CommentIsMadeOnceRule(state));
  const { window } = data;
  checkRule(new ProblemsAreRecordedAfterTheWindowClosesRule(window));
  const organiser = new ProblemsAreRecordedByTheOrganiserRule(data.decidedBy, window, idsOf(data.orgPath));
  checkRule(organiser);
  checkRule(new ProblemsAreListedRule(data.findings));
  checkRule(new FindingsHaveADeadlineAfterTheCommentRule(data.recordedOn, data.findings));
  return [
    {
      type: 'evaluation.MassEvaluationFindingsRecorded',
      data: {
        commentId: window.windowId,
        windowId: window.windowId,
        orgId: window.orgId,
        memberId: window.subject.kind === 'member' ? window.subject.id : null,
        recordedOn: data.recordedOn,
        summary: data.summary,
        findings: data.findings,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: `mass-evaluation-${window.windowId}`, version: window.version }, ...pathInputs(data.orgPath)],
          rule: ruleRef(organiser),
          reason: data.reason,
        },
      },
    },
  ];
}

/**
 * What an inspection found at one unit opens a findings stream like a leader's comment: completed,
 * marked overdue and listed by the rules below, with no copy of them for inspections (ADR 0038).
 */
export function recordInspectionFindings({ data }: RecordInspectionFindings, state: CommentState): CommentEvent[] {
  checkRule(new CommentIsMadeOnceRule(state));
  const member = new InspectionFindingsAreRecordedByTheGroupRule(data.decidedBy, data.inspection);
  checkRule(member);
  const atUnit = new InspectionFindingsAreAtAnInspectedUnitRule(data.inspection, data.orgId);
  checkRule(atUnit);
  checkRule(new ProblemsAreListedRule(data.findings));
  checkRule(new FindingsHaveADeadlineAfterTheCommentRule(data.recordedOn, data.findings));
  return [
    {
      type: 'evaluation.InspectionFindingsRecorded',
      data: {
        commentId: data.commentId,
        inspectionId: data.inspection.inspectionId,
        orgId: data.orgId,
        recordedOn: data.recordedOn,
        summary: data.summary,
        findings: data.findings,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [
            { streamId: `inspection-${data.inspection.inspectionId}`, version: data.inspection.version },
            ...pathInputs(data.orgPath),
          ],
          rule: ruleRef(member),
          checks: [ruleRef(atUnit)],
          reason: data.reason,
        },
      },
    },
  ];
}

export function completeRectification({ data }: CompleteRectification, state: CommentState): CommentEvent[] {
  checkRule(new RectificationIsOpenRule(state, data.findingId));
  const rule = new RectificationIsConfirmedFromAboveRule(data.decidedBy, idsOf(data.orgPath));
  checkRule(rule);
  const finding = state.findings.find((f) => f.findingId === data.findingId)!;
  return [
    {
      type: 'evaluation.RectificationCompleted',
      data: {
        commentId: state.commentId!,
        findingId: data.findingId,
        completedOn: data.completedOn,
        onTime: data.completedOn <= finding.deadline,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: `comment-${state.commentId}`, version: state.version }, ...pathInputs(data.orgPath)],
          rule: ruleRef(rule),
          reason: data.reason,
        },
      },
    },
  ];
}

export function markOverdueRectifications({ data }: MarkOverdueRectifications, state: CommentState): CommentEvent[] {
  return state.findings
    .filter((f) => !f.done && !f.markedOverdue && f.deadline < data.today)
    .map((f) => ({
      type: 'evaluation.RectificationOverdue',
      data: { commentId: state.commentId!, findingId: f.findingId, deadline: f.deadline, markedOn: data.today },
    }));
}

export function decide(command: CommentCommand, state: CommentState): CommentEvent[] {
  switch (command.type) {
    case 'MakeLeaderComment':
      return makeLeaderComment(command, state);
    case 'RecordMassEvaluationFindings':
      return recordMassEvaluationFindings(command, state);
    case 'RecordInspectionFindings':
      return recordInspectionFindings(command, state);
    case 'RecordMonthlyReviewFindings':
      return recordMonthlyReviewFindings(command, state);
    case 'CompleteRectification':
      return completeRectification(command, state);
    case 'MarkOverdueRectifications':
      return markOverdueRectifications(command, state);
  }
}

/** 领导点评, or a mass evaluation's problems, with the findings and rectifications on one stream. */
export const commentDecider: Decider<CommentCommand, CommentState, CommentEvent> = { initialState, evolve, decide };
