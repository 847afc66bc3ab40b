import { decisionReason } from '@vanguard/contracts';
import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { pathInputs, recordedPaths } from '../decided-by';
import { RulesChecked } from '../rules-checked';
import type { AssignObjection, DismissObjection, FileObjection, ObjectionCommand, UpholdObjection } from './objection.commands';
import type { ObjectionEvent } from './objection.events';
import {
  findingsAreGiven,
  InvestigatorIsAnInspectorRule,
  ObjectionConcernsANoticedNominationRule,
  objectionGroundsCarryNoPersonalNumbers,
  ObjectionIsAssignedByTheAwardingBodyRule,
  ObjectionIsConcludedByItsInvestigatorRule,
  ObjectionIsFiledOnceRule,
  ObjectionIsFiledWhileTheNoticeRunsRule,
  ObjectionIsOpenRule,
  objectionIsReassignedToAnotherInvestigator,
  ObjectionIsUnderInvestigationRule,
  objectionStatesItsGrounds,
  TrackingCodeIsWellFormedRule,
} from './objection.rules';
import { evolve, initialState, objectionStreamId, type ObjectionState } from './objection.state';

const self = (state: ObjectionState) => ({ streamId: objectionStreamId(state.objectionId!), version: state.version });

export function fileObjection({ data }: FileObjection, state: ObjectionState): ObjectionEvent[] {
  checkRule(new ObjectionIsFiledOnceRule(state.status));
  checkRule(new TrackingCodeIsWellFormedRule(data.trackingCode));
  checkRule(new ObjectionConcernsANoticedNominationRule(data.notice, data.nominationId));
  checkRule(new ObjectionIsFiledWhileTheNoticeRunsRule(data.notice, data.today));
  checkRule(objectionStatesItsGrounds(data.ruleVersions, data.grounds));
  checkRule(objectionGroundsCarryNoPersonalNumbers(data.ruleVersions, data.grounds));
  const { notice } = data;
  return [
    {
      type: 'commendation.ObjectionFiled',
      data: {
        objectionId: data.objectionId,
        programmeId: notice.programmeId,
        nominationId: data.nominationId,
        awardingOrgId: notice.awardingOrgId,
        trackingCode: data.trackingCode,
        named: data.named,
        hasContact: data.hasContact,
        grounds: data.grounds,
        filedOn: data.today,
        notice: { streamId: notice.streamId, version: notice.version, round: notice.round },
      },
    },
  ];
}

export function assignObjection({ data }: AssignObjection, state: ObjectionState): ObjectionEvent[] {
  const rules = new RulesChecked();
  rules.check(new ObjectionIsOpenRule(state.status));
  rules.check(new ObjectionIsAssignedByTheAwardingBodyRule(data.decidedBy, state.awardingOrgId));
  rules.checkIfRun(objectionIsReassignedToAnotherInvestigator(data.ruleVersions, state, data.investigator));
  const rule = ruleRef(rules.check(new InvestigatorIsAnInspectorRule(data.investigator, state.awardingOrgId, data.awardingOrgPath)));
  const { sub, role, orgId } = data.investigator;
  return [
    {
      type: 'commendation.ObjectionAssigned',
      data: {
        objectionId: state.objectionId!,
        investigator: { sub, role, orgId },
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(state), ...pathInputs(data.awardingOrgPath, data.orgVersions)],
          rule,
          checks: rules.besides(rule),
          reason: data.reason ?? '',
          orgPaths: recordedPaths(['awarding-body', data.awardingOrgPath]),
        },
      },
    },
  ];
}

function conclude(data: UpholdObjection['data'], state: ObjectionState) {
  const rules = new RulesChecked();
  rules.check(new ObjectionIsUnderInvestigationRule(state.status));
  const rule = ruleRef(rules.check(new ObjectionIsConcludedByItsInvestigatorRule(data.decidedBy, state)));
  rules.check(findingsAreGiven(data.ruleVersions, data.findings));
  return {
    objectionId: state.objectionId!,
    programmeId: state.programmeId!,
    nominationId: state.nominationId!,
    findings: data.findings,
    decision: {
      decidedBy: data.decidedBy,
      inputs: [self(state)],
      rule,
      checks: rules.besides(rule),
      reason: decisionReason(data.findings),
    },
  };
}

/** Upheld: the service then withdraws the nomination (`WithdrawNomination` on its stream). */
export function upholdObjection({ data }: UpholdObjection, state: ObjectionState): ObjectionEvent[] {
  return [{ type: 'commendation.ObjectionUpheld', data: conclude(data, state) }];
}

export function dismissObjection({ data }: DismissObjection, state: ObjectionState): ObjectionEvent[] {
  return [{ type: 'commendation.ObjectionDismissed', data: conclude(data, state) }];
}

export function decide(command: ObjectionCommand, state: ObjectionState): ObjectionEvent[] {
  switch (command.type) {
    case 'FileObjection':
      return fileObjection(command, state);
    case 'AssignObjection':
      return assignObjection(command, state);
    case 'UpholdObjection':
      return upholdObjection(command, state);
    case 'DismissObjection':
      return dismissObjection(command, state);
  }
}

/** 异议: filed during the notice, investigated by an inspector, upheld or dismissed. */
export const objectionDecider: Decider<ObjectionCommand, ObjectionState, ObjectionEvent> = { initialState, evolve, decide };
