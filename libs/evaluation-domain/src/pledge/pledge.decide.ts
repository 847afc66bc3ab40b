import { ruleRanFor } from '../rules-recorded-later';
import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import type { Decision } from '@vanguard/contracts';
import type {
  AmendPledge,
  FilePledge,
  FulfilPledge,
  LapsePledge,
  MakePledge,
  PledgeCommand,
  PublishPledge,
  RatePledge,
  ReportPledgeProgress,
  ReturnPledge,
} from './pledge.commands';
import { idsOf, pathInputs } from '../org-path';
import type { PledgeEvent } from './pledge.events';
import { checksFromV2, choiceForRuleRecordedFromV2 } from '../rules-recorded-later';
import {
  DECISION_GIVES_A_REASON,
  FollowUpPledgeFollowsAFulfilledOneRule,
  OnlyAFiledPledgeIsPublishedRule,
  OnlyAReturnedPledgeIsAmendedRule,
  PledgeAwaitsFilingRule,
  PledgeIsAmendedByThePledgerRule,
  PledgeIsClosedByTheFilingLevelRule,
  PledgeIsDueWithinItsCycleRule,
  PledgeIsFiledByTheLevelAboveRule,
  PledgeIsMadeInAnOpenCycleRule,
  OrganizationPledgesForItselfRule,
  PledgeIsMadeOnceRule,
  PledgeIsPublishedRule,
  PledgeIsRatedByTheFilingLevelRule,
  PledgeIsRatedOnceAfterClosingRule,
  ProgressIsReportedByThePledgerRule,
  ProgressNeverGoesBackRule,
  RatingCountsVotesRule,
  SatisfactionRateV1,
} from './pledge.rules';
import { evolve, initialState, type PledgeState } from './pledge.state';

const streamOf = (pledgeId: string) => `pledge-${pledgeId}`;
/** The pledge as this decision read it: its own stream at the folded version. */
const self = (s: PledgeState) => ({ streamId: streamOf(s.pledgeId!), version: s.version });

export function makePledge({ data }: MakePledge, state: PledgeState): PledgeEvent[] {
  checkRule(new PledgeIsMadeOnceRule(state.status));
  checkRule(new OrganizationPledgesForItselfRule(data.pledger, data.orgId));
  checkRule(new PledgeIsMadeInAnOpenCycleRule(data.cycle, data.today));
  checkRule(new PledgeIsDueWithinItsCycleRule(data.dueOn, data.today, data.cycle.endsOn));
  checkRule(new FollowUpPledgeFollowsAFulfilledOneRule(data.follows));
  const { today: _today, cycle: _cycle, follows, ...made } = data;
  return [{ type: 'evaluation.PledgeMade', data: { ...made, followsPledgeId: follows?.pledgeId ?? null } }];
}

export function amendPledge({ data }: AmendPledge, state: PledgeState): PledgeEvent[] {
  checkRule(new PledgeIsAmendedByThePledgerRule(state.orgId, data.decidedBy));
  checkRule(new OnlyAReturnedPledgeIsAmendedRule(state.status));
  checkRule(new PledgeIsDueWithinItsCycleRule(data.dueOn, data.today, data.cycleEndsOn));
  return [
    {
      type: 'evaluation.PledgeAmended',
      data: { pledgeId: state.pledgeId!, category: data.category, content: data.content, dueOn: data.dueOn },
    },
  ];
}

/** 把关备案 by the level above, checked against the pledger's path as read; the path is recorded with the pledge. */
function filing(data: FilePledge['data'] | ReturnPledge['data'], state: PledgeState): Decision {
  const rule = new PledgeIsFiledByTheLevelAboveRule(state.pledger!.kind, idsOf(data.pledgerOrgPath), data.decidedBy);
  checkRule(rule);
  return { decidedBy: data.decidedBy, inputs: [self(state), ...pathInputs(data.pledgerOrgPath)], rule: ruleRef(rule), reason: data.reason };
}

export function filePledge({ data }: FilePledge, state: PledgeState): PledgeEvent[] {
  checkRule(new PledgeAwaitsFilingRule(state.status));
  const decision = filing(data, state);
  return [{ type: 'evaluation.PledgeFiled', data: { pledgeId: state.pledgeId!, decision } }];
}

/**
 * Returns and lapses need a reason; from version 2 of that rule the decision records it in `checks`
 * (a replay of an older one, which names none, runs version 1).
 */
function withReason(decision: Decision, data: ReturnPledge['data'] | LapsePledge['data']): Decision {
  const reason = DECISION_GIVES_A_REASON.create(choiceForRuleRecordedFromV2(DECISION_GIVES_A_REASON, data.ruleVersions), data.reason);
  checkRule(reason);
  const checks = checksFromV2(reason);
  return checks.length > 0 ? { ...decision, checks } : decision;
}

export function returnPledge({ data }: ReturnPledge, state: PledgeState): PledgeEvent[] {
  checkRule(new PledgeAwaitsFilingRule(state.status));
  const decision = withReason(filing(data, state), data);
  return [{ type: 'evaluation.PledgeReturned', data: { pledgeId: state.pledgeId!, decision } }];
}

export function publishPledge(_: PublishPledge, state: PledgeState): PledgeEvent[] {
  checkRule(new OnlyAFiledPledgeIsPublishedRule(state.status));
  return [{ type: 'evaluation.PledgePublished', data: { pledgeId: state.pledgeId! } }];
}

export function reportPledgeProgress({ data }: ReportPledgeProgress, state: PledgeState): PledgeEvent[] {
  checkRule(new PledgeIsPublishedRule(state.status));
  checkRule(new ProgressIsReportedByThePledgerRule(state.orgId, data.reportedBy));
  checkRule(new ProgressNeverGoesBackRule(state, data.percent));
  return [{ type: 'evaluation.PledgeProgressReported', data: { pledgeId: state.pledgeId!, note: data.note, percent: data.percent } }];
}

function close(data: FulfilPledge['data'] | LapsePledge['data'], state: PledgeState): Decision {
  checkRule(new PledgeIsPublishedRule(state.status));
  const rule = new PledgeIsClosedByTheFilingLevelRule(state.filedByOrgId, idsOf(data.filerOrgPath), data.decidedBy);
  checkRule(rule);
  return { decidedBy: data.decidedBy, inputs: [self(state), ...pathInputs(data.filerOrgPath)], rule: ruleRef(rule), reason: data.reason };
}

export function fulfilPledge({ data }: FulfilPledge, state: PledgeState): PledgeEvent[] {
  const decision = close(data, state);
  return [{ type: 'evaluation.PledgeFulfilled', data: { pledgeId: state.pledgeId!, decision } }];
}

export function lapsePledge({ data }: LapsePledge, state: PledgeState): PledgeEvent[] {
  const decision = withReason(close(data, state), data);
  return [{ type: 'evaluation.PledgeLapsed', data: { pledgeId: state.pledgeId!, decision } }];
}

export function ratePledge({ data }: RatePledge, state: PledgeState): PledgeEvent[] {
  checkRule(new PledgeIsRatedOnceAfterClosingRule(state));
  const byFiler = ruleRanFor(PledgeIsRatedByTheFilingLevelRule.ID, data.ruleVersions)
    ? new PledgeIsRatedByTheFilingLevelRule(state.filedByOrgId, idsOf(data.filerOrgPath), data.decidedBy)
    : null;
  if (byFiler) checkRule(byFiler);
  checkRule(new RatingCountsVotesRule(data.tally));
  const satisfactionPermille = SatisfactionRateV1.permille(data.tally);
  return [
    {
      type: 'evaluation.PledgeRated',
      data: {
        pledgeId: state.pledgeId!,
        tally: data.tally,
        satisfactionPermille,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(state), ...(byFiler ? pathInputs(data.filerOrgPath) : [])],
          rule: { id: SatisfactionRateV1.id, version: SatisfactionRateV1.version },
          ...(byFiler ? { checks: [ruleRef(byFiler)] } : {}),
          reason: `满意度 ${(satisfactionPermille / 10).toFixed(1)}%`,
        },
      },
    },
  ];
}

export function decide(command: PledgeCommand, state: PledgeState): PledgeEvent[] {
  switch (command.type) {
    case 'MakePledge':
      return makePledge(command, state);
    case 'AmendPledge':
      return amendPledge(command, state);
    case 'FilePledge':
      return filePledge(command, state);
    case 'ReturnPledge':
      return returnPledge(command, state);
    case 'PublishPledge':
      return publishPledge(command, state);
    case 'ReportPledgeProgress':
      return reportPledgeProgress(command, state);
    case 'FulfilPledge':
      return fulfilPledge(command, state);
    case 'LapsePledge':
      return lapsePledge(command, state);
    case 'RatePledge':
      return ratePledge(command, state);
  }
}

/** 公开承诺 → 践诺 → 评诺 on one pledge's stream. */
export const pledgeDecider: Decider<PledgeCommand, PledgeState, PledgeEvent> = { initialState, evolve, decide };
