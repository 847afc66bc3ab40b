import { checkRule, type Decider } from '@vanguard/kernel';
import { SatisfactionRateV1 } from '../pledge/pledge.rules';
import type {
  CloseMassEvaluation,
  MassEvaluationCommand,
  OpenMassEvaluation,
  PublishMassEvaluation,
  RecordBallotCodesIssued,
} from './mass-evaluation.commands';
import type { MassEvaluationEvent } from './mass-evaluation.events';
import {
  BallotBoxRunFromAboveRule,
  NoMoreBallotsThanVotersRule,
  OnlyAClosedWindowIsPublishedRule,
  WindowDatesAreSoundRule,
  WindowIsOpenedOnceRule,
  WindowIsOpenRule,
} from './mass-evaluation.rules';
import { evolve, initialState, type MassEvaluationState } from './mass-evaluation.state';

export function openMassEvaluation({ data }: OpenMassEvaluation, state: MassEvaluationState): MassEvaluationEvent[] {
  checkRule(new WindowIsOpenedOnceRule(state.status));
  // A branch evaluating its own members (民主评议党员) is ordinary; only its own rating is run from above.
  if (data.subject.kind === 'organization') checkRule(new BallotBoxRunFromAboveRule(data.actorOrgId, data.orgId, data.orgPath));
  checkRule(new WindowDatesAreSoundRule(data.opensOn, data.closesOn, data.today));
  const { today: _today, actorOrgId: _actor, orgPath: _path, ...opened } = data;
  return [{ type: 'evaluation.MassEvaluationOpened', data: opened }];
}

export function recordBallotCodesIssued({ data }: RecordBallotCodesIssued, state: MassEvaluationState): MassEvaluationEvent[] {
  checkRule(new WindowIsOpenRule(state.status));
  return [{ type: 'evaluation.BallotCodesIssued', data: { windowId: state.windowId!, ...data } }];
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

export function publishMassEvaluation(_: PublishMassEvaluation, state: MassEvaluationState): MassEvaluationEvent[] {
  checkRule(new OnlyAClosedWindowIsPublishedRule(state.status));
  return [{ type: 'evaluation.MassEvaluationPublished', data: { windowId: state.windowId! } }];
}

export function decide(command: MassEvaluationCommand, state: MassEvaluationState): MassEvaluationEvent[] {
  switch (command.type) {
    case 'OpenMassEvaluation':
      return openMassEvaluation(command, state);
    case 'RecordBallotCodesIssued':
      return recordBallotCodesIssued(command, state);
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
