import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { SatisfactionRateV1 } from '../pledge/pledge.rules';
import type {
  CloseMassEvaluation,
  MassEvaluationCommand,
  OpenMassEvaluation,
  PublishMassEvaluation,
  RecordBallotCodesIssued,
  RecordBallotCodesVoided,
} from './mass-evaluation.commands';
import { idsOf, pathInputs } from '../org-path';
import type { MassEvaluationEvent } from './mass-evaluation.events';
import {
  BallotBoxRunFromAboveRule,
  NoMoreBallotsThanVotersRule,
  OnlyAClosedWindowIsPublishedRule,
  ResultIsPublishedOnceRule,
  WindowDatesAreSoundRule,
  WindowIsOpenedOnceRule,
  WindowIsOpenRule,
  WindowWasOpenedRule,
} from './mass-evaluation.rules';
import { evolve, initialState, type MassEvaluationState } from './mass-evaluation.state';

export function openMassEvaluation({ data }: OpenMassEvaluation, state: MassEvaluationState): MassEvaluationEvent[] {
  checkRule(new WindowIsOpenedOnceRule(state.status));
  // A branch evaluating its own members (民主评议党员) is ordinary; only its own rating is run from above.
  const fromAbove =
    data.subject.kind === 'organization' ? new BallotBoxRunFromAboveRule(data.actorOrgId, data.orgId, idsOf(data.orgPath)) : null;
  if (fromAbove) checkRule(fromAbove);
  const dates = new WindowDatesAreSoundRule(data.opensOn, data.closesOn, data.today);
  checkRule(dates);
  const { today: _today, actorOrgId: _actor, orgPath: _path, decidedBy, ...opened } = data;
  // The rule recorded is the one that says who may open: run-from-above for an organisation; for a member, whose
  // branch runs it, only the dates judged.
  const rule = ruleRef(fromAbove ?? dates);
  const reason = `${data.eligibleVoters} 名有投票资格者，${data.opensOn} 至 ${data.closesOn}`;
  return [
    {
      type: 'evaluation.MassEvaluationOpened',
      data: { ...opened, decision: { decidedBy, inputs: pathInputs(data.orgPath), rule, reason } },
    },
  ];
}

export function recordBallotCodesIssued({ data }: RecordBallotCodesIssued, state: MassEvaluationState): MassEvaluationEvent[] {
  checkRule(new WindowIsOpenRule(state.status));
  return [{ type: 'evaluation.BallotCodesIssued', data: { windowId: state.windowId!, ...data } }];
}

/**
 * The box voided the codes while the window was open, under its lock; a close may have been
 * recorded since, so only an opened window is asked for: the trail keeps the void either way.
 */
export function recordBallotCodesVoided({ data }: RecordBallotCodesVoided, state: MassEvaluationState): MassEvaluationEvent[] {
  checkRule(new WindowWasOpenedRule(state.status));
  return [{ type: 'evaluation.BallotCodesVoided', data: { windowId: state.windowId!, ...data } }];
}

export function closeMassEvaluation({ data }: CloseMassEvaluation, state: MassEvaluationState): MassEvaluationEvent[] {
  checkRule(new WindowIsOpenRule(state.status));
  checkRule(new NoMoreBallotsThanVotersRule(state, data.tally));
  const ballotsCast = data.tally.satisfied + data.tally.basicallySatisfied + data.tally.dissatisfied;
  const satisfactionPermille = ballotsCast === 0 ? null : SatisfactionRateV1.permille(data.tally);
  return [
    {
      type: 'evaluation.MassEvaluationClosed',
      data: {
        windowId: state.windowId!,
        tally: data.tally,
        ballotsCast,
        satisfactionPermille,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: `mass-evaluation-${state.windowId}`, version: state.version }, data.ballotBox],
          rule: { id: SatisfactionRateV1.id, version: SatisfactionRateV1.version },
          reason:
            satisfactionPermille === null
              ? '无人投票 / no ballots were cast'
              : `${ballotsCast} 票，满意度 ${(satisfactionPermille / 10).toFixed(1)}%`,
        },
      },
    },
  ];
}

export function publishMassEvaluation({ data }: PublishMassEvaluation, state: MassEvaluationState): MassEvaluationEvent[] {
  checkRule(new ResultIsPublishedOnceRule(state.status));
  const rule = new OnlyAClosedWindowIsPublishedRule(state.status);
  checkRule(rule);
  const rate = state.satisfactionPermille === null ? '无人投票 / no ballots' : `满意度 ${(state.satisfactionPermille / 10).toFixed(1)}%`;
  return [
    {
      type: 'evaluation.MassEvaluationPublished',
      data: {
        windowId: state.windowId!,
        decision: {
          decidedBy: data.decidedBy,
          // The window as read: the closed tally the public will see is the one at this version.
          inputs: [{ streamId: `mass-evaluation-${state.windowId}`, version: state.version }],
          rule: ruleRef(rule),
          reason: `公布评议结果：${rate}`,
        },
      },
    },
  ];
}

export function decide(command: MassEvaluationCommand, state: MassEvaluationState): MassEvaluationEvent[] {
  switch (command.type) {
    case 'OpenMassEvaluation':
      return openMassEvaluation(command, state);
    case 'RecordBallotCodesIssued':
      return recordBallotCodesIssued(command, state);
    case 'RecordBallotCodesVoided':
      return recordBallotCodesVoided(command, state);
    case 'CloseMassEvaluation':
      return closeMassEvaluation(command, state);
    case 'PublishMassEvaluation':
      return publishMassEvaluation(command, state);
  }
}

/** 群众评议: open, close with the tally, publish; ballots themselves never enter the stream. */
export const massEvaluationDecider: Decider<MassEvaluationCommand, MassEvaluationState, MassEvaluationEvent> = {
  initialState,
  evolve,
  decide,
};
