import { ruleRef } from '@vanguard/kernel';
import { RulesChecked } from '../rules-checked';
import type { DecideCommendation, RevokeCommendation, WithdrawNomination } from './nomination.commands';
import type { NominationEvent } from './nomination.events';
import {
  AwardingBodyDecidesRule,
  DecisionGivesItsReasonRule,
  DocumentNumberIsGivenRule,
  NoDecisionWhileAnObjectionIsOpenRule,
  NominationIsStandingRule,
  NomineeIsEligibleRule,
  NoticeRanItsFullPeriodRule,
  OnlyADecidedCommendationIsRevokedRule,
  OnlyAShortlistedNominationIsDecidedRule,
  WithdrawalFollowsAnUpheldObjectionRule,
} from './nomination.rules';
import { nominationStreamId, type NominationState } from './nomination.state';

// How a nomination ends after review: withdrawn by an upheld objection, commended by the
// awarding body's decision (表彰决定) once the notice has run and no objection is open, and
// possibly revoked later.

const self = (state: NominationState) => ({ streamId: nominationStreamId(state.nominationId!), version: state.version });

export function withdrawNomination({ data }: WithdrawNomination, state: NominationState): NominationEvent[] {
  const rules = new RulesChecked();
  rules.check(new NominationIsStandingRule(state.status));
  const rule = ruleRef(rules.check(new WithdrawalFollowsAnUpheldObjectionRule(state.nominationId, data.objection)));
  const { streamId, version, objectionId, findings } = data.objection;
  return [
    {
      type: 'commendation.NominationWithdrawn',
      data: {
        nominationId: state.nominationId!,
        programmeId: state.programmeId!,
        objectionId,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(state), { streamId, version }],
          rule,
          checks: rules.besides(rule),
          reason: findings,
        },
      },
    },
  ];
}

export function decideCommendation({ data }: DecideCommendation, state: NominationState): NominationEvent[] {
  const rules = new RulesChecked();
  rules.check(new OnlyAShortlistedNominationIsDecidedRule(state.status));
  rules.check(new AwardingBodyDecidesRule(data.decidedBy, state.chain));
  rules.check(new DocumentNumberIsGivenRule(data.documentNumber));
  rules.check(new NomineeIsEligibleRule(state.eligible));
  rules.check(new NoticeRanItsFullPeriodRule(data.notice, data.today));
  const rule = ruleRef(rules.check(new NoDecisionWhileAnObjectionIsOpenRule(data.openObjections)));
  return [
    {
      type: 'commendation.CommendationDecided',
      data: {
        nominationId: state.nominationId!,
        programmeId: state.programmeId!,
        category: state.category!,
        nominee: state.nominee!,
        deedsSummary: state.deeds!.summary,
        documentNumber: data.documentNumber,
        decidedOn: data.today,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(state), { streamId: data.notice.streamId, version: data.notice.version }],
          rule,
          checks: rules.besides(rule),
          reason: data.reason ?? '',
          // What "no objection open" was judged on, so a replay folds them instead of assuming none.
          ...(data.closedObjections ? { objections: [...data.closedObjections] } : {}),
        },
      },
    },
  ];
}

export function revokeCommendation({ data }: RevokeCommendation, state: NominationState): NominationEvent[] {
  const rules = new RulesChecked();
  rules.check(new OnlyADecidedCommendationIsRevokedRule(state.status));
  const rule = ruleRef(rules.check(new AwardingBodyDecidesRule(data.decidedBy, state.chain)));
  rules.check(new DecisionGivesItsReasonRule(data.reason));
  return [
    {
      type: 'commendation.CommendationRevoked',
      data: {
        nominationId: state.nominationId!,
        programmeId: state.programmeId!,
        documentNumber: state.documentNumber!,
        revokedOn: data.today,
        decision: { decidedBy: data.decidedBy, inputs: [self(state)], rule, checks: rules.besides(rule), reason: data.reason },
      },
    },
  ];
}
