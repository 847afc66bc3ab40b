import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import type { NominateQuarterPioneer, PioneerCommand, SelectQuarterPioneer } from './pioneer.commands';
import { idsOf, pathInputs } from '../org-path';
import type { PioneerEvent } from './pioneer.events';
import {
  CandidateIsNominatedOnceRule,
  NomineeBelongsToTheSubtreeRule,
  OnlyANomineeIsSelectedOnceRule,
  PioneerIsCarriedByAMajorityRule,
  PioneerIsSelectedByItsOrganisationRule,
  PioneersAreNominatedInAnOpenCycleRule,
} from './pioneer.rules';
import { evolve, initialState, type PioneerState } from './pioneer.state';

export function nominateQuarterPioneer({ data }: NominateQuarterPioneer, state: PioneerState): PioneerEvent[] {
  checkRule(new PioneersAreNominatedInAnOpenCycleRule(data.cycleOpen));
  checkRule(new NomineeBelongsToTheSubtreeRule(data.orgId, data.standing));
  checkRule(new CandidateIsNominatedOnceRule(state, data.candidate));
  const { cycleOpen: _open, standing: _standing, ...nominated } = data;
  return [{ type: 'evaluation.QuarterPioneerNominated', data: nominated }];
}

export function selectQuarterPioneer({ data }: SelectQuarterPioneer, state: PioneerState): PioneerEvent[] {
  checkRule(new OnlyANomineeIsSelectedOnceRule(state, data.candidate));
  const entitled = new PioneerIsSelectedByItsOrganisationRule(data.decidedBy, idsOf(data.orgPath));
  checkRule(entitled);
  const majority = new PioneerIsCarriedByAMajorityRule(data.votesFor, data.votesCast);
  checkRule(majority);
  return [
    {
      type: 'evaluation.QuarterPioneerSelected',
      data: {
        orgId: state.orgId!,
        cycleId: state.cycleId!,
        candidate: data.candidate,
        votesFor: data.votesFor,
        votesCast: data.votesCast,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: `pioneer-${state.orgId}-${state.cycleId}`, version: state.version }, ...pathInputs(data.orgPath)],
          rule: ruleRef(majority),
          checks: [ruleRef(entitled)],
          reason: data.reason,
        },
      },
    },
  ];
}

export function decide(command: PioneerCommand, state: PioneerState): PioneerEvent[] {
  switch (command.type) {
    case 'NominateQuarterPioneer':
      return nominateQuarterPioneer(command, state);
    case 'SelectQuarterPioneer':
      return selectQuarterPioneer(command, state);
  }
}

/** 一季一先锋 of one organisation in one cycle. */
export const pioneerDecider: Decider<PioneerCommand, PioneerState, PioneerEvent> = { initialState, evolve, decide };
