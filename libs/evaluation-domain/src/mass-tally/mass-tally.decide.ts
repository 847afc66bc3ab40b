import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { pathInputs } from '../org-path';
import { SatisfactionRateV1 } from '../pledge/pledge.rules';
import type { MassTallyCommand, RecordMassEvaluationTally } from './mass-tally.commands';
import type { MassTallyEvent } from './mass-tally.events';
import { MemberIsEvaluatedInTheirBranchRule, TallyIsNotOlderThanTheRecordedOneRule } from './mass-tally.rules';
import { evolve, initialState, type MassTallyState } from './mass-tally.state';

export const massTallyStream = (subjectId: string, period: string) => `mass-tally-${subjectId}-${period}`;

/** 群众评议 counted elsewhere: recorded with the rate the platform computes for its own windows. */
export function recordMassEvaluationTally({ data }: RecordMassEvaluationTally, state: MassTallyState): MassTallyEvent[] {
  const notOlder = new TallyIsNotOlderThanTheRecordedOneRule(data.heldOn, state.heldOn);
  checkRule(notOlder);
  const inBranch = data.subject.kind === 'member' ? new MemberIsEvaluatedInTheirBranchRule(data.memberInOrg) : null;
  if (inBranch) checkRule(inBranch);
  const { decidedBy, orgPath, memberInOrg: _memberInOrg, ...counted } = data;
  const t = data.tally;
  const votes = t.satisfied + t.basicallySatisfied + t.dissatisfied;
  const satisfactionPermille = votes === 0 ? null : SatisfactionRateV1.permille(t);
  return [
    {
      type: 'evaluation.MassEvaluationTallyRecorded',
      data: {
        ...counted,
        satisfactionPermille,
        decision: {
          decidedBy,
          inputs: [{ streamId: massTallyStream(data.subject.id, data.period), version: state.version }, ...pathInputs(orgPath)],
          rule: { id: SatisfactionRateV1.id, version: SatisfactionRateV1.version },
          checks: [ruleRef(notOlder), ...(inBranch ? [ruleRef(inBranch)] : [])],
          reason:
            satisfactionPermille === null
              ? `收回 ${data.ballotsReturned} 票，无有效票 / no valid vote`
              : `收回 ${data.ballotsReturned} 票，满意度 ${(satisfactionPermille / 10).toFixed(1)}%`,
        },
      },
    },
  ];
}

export function decide(command: MassTallyCommand, state: MassTallyState): MassTallyEvent[] {
  switch (command.type) {
    case 'RecordMassEvaluationTally':
      return recordMassEvaluationTally(command, state);
  }
}

/** One subject's mass evaluation for one period, counted outside the platform. */
export const massTallyDecider: Decider<MassTallyCommand, MassTallyState, MassTallyEvent> = { initialState, evolve, decide };
