import { MAX_RECORDED_OBJECTIONS, decisionReason } from '@vanguard/contracts';
import { checkRule, ruleRef } from '@vanguard/kernel';
import { RulesChecked } from '../rules-checked';
import type { StreamRead } from '../decided-by';
import type { DecideCommendation, RevokeCommendation, WithdrawNomination } from './nomination.commands';
import type { NominationEvent } from './nomination.events';
import {
  AwardingBodyDecidesRule,
  decisionGivesItsReason,
  decisionTextCarriesNoPersonalNumbers,
  documentNumberIsGiven,
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
  // Out of the running already (a second objection upheld, or one upheld after a rejection): the
  // objection concludes and nothing is withdrawn again. Refused, the objection stayed open for good,
  // holding its objector's contact (a hostile probe).
  if (state.status === 'withdrawn' || state.status === 'rejected') {
    checkRule(new WithdrawalFollowsAnUpheldObjectionRule(state.nominationId, data.objection));
    return [];
  }
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
          reason: decisionReason(findings),
        },
      },
    },
  ];
}

export function decideCommendation({ data }: DecideCommendation, state: NominationState): NominationEvent[] {
  const rules = new RulesChecked();
  rules.check(new OnlyAShortlistedNominationIsDecidedRule(state.status));
  rules.check(new AwardingBodyDecidesRule(data.decidedBy, state.chain));
  rules.check(documentNumberIsGiven(data.ruleVersions, data.documentNumber));
  rules.checkIfRun(decisionTextCarriesNoPersonalNumbers(data.ruleVersions, data.documentNumber, data.reason ?? ''));
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
          ...recordedObjections(data.closedObjections),
        },
      },
    },
  ];
}

/**
 * What "no objection open" was judged on, so a replay folds them instead of assuming none (ADR
 * 0080). Objections are rate-limited, not capped: past what the record holds, none is recorded
 * (the rule reads every objection of the programme, so a part would hide what a replay assumed),
 * the decision reads as one from before the field and its replay names the assumption. A longer
 * list broke the event's contract, and the relay dead-lettered the decision.
 */
function recordedObjections(closed: readonly StreamRead[] | undefined): { objections?: StreamRead[] } {
  return closed && closed.length <= MAX_RECORDED_OBJECTIONS ? { objections: [...closed] } : {};
}

export function revokeCommendation({ data }: RevokeCommendation, state: NominationState): NominationEvent[] {
  const rules = new RulesChecked();
  rules.check(new OnlyADecidedCommendationIsRevokedRule(state.status));
  const rule = ruleRef(rules.check(new AwardingBodyDecidesRule(data.decidedBy, state.chain)));
  rules.check(decisionGivesItsReason(data.ruleVersions, data.reason));
  rules.checkIfRun(decisionTextCarriesNoPersonalNumbers(data.ruleVersions, data.reason));
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
