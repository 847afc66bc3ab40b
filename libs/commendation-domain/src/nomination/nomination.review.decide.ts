import { checkRule, ruleRef } from '@vanguard/kernel';
import { RulesChecked } from '../rules-checked';
import type { EndorseNomination, NoteReviewOverdue, RejectNomination, ReturnNomination } from './nomination.commands';
import type { NominationEvent } from './nomination.events';
import {
  decisionGivesItsReason,
  decisionTextCarriesNoPersonalNumbers,
  NominationAwaitsReviewRule,
  NomineeIsEligibleRule,
  OverdueIsNotedOnceRule,
  QuotaIsNotExceededRule,
  ReviewIsByTheLevelItWaitsOnRule,
  ReviewIsPastItsDeadlineRule,
} from './nomination.rules';
import { nominationStreamId, type NominationState } from './nomination.state';

// 逐级审核: the level the nomination waits on endorses it (within its places), returns it to
// the nominator for amendment, or rejects it; the awarding body's endorsement shortlists it.

const self = (state: NominationState) => ({ streamId: nominationStreamId(state.nominationId!), version: state.version });

/** Only the awaited level acts, and only on a nomination under review. */
function byTheAwaitedLevel(rules: RulesChecked, data: ReturnNomination['data'], state: NominationState) {
  rules.check(new NominationAwaitsReviewRule(state.status));
  return rules.check(new ReviewIsByTheLevelItWaitsOnRule(data.decidedBy, state.chain[state.atStep]));
}

export function endorseNomination({ data }: EndorseNomination, state: NominationState): NominationEvent[] {
  const rules = new RulesChecked();
  byTheAwaitedLevel(rules, data, state);
  rules.check(new NomineeIsEligibleRule(state.eligible));
  const rule = ruleRef(rules.check(new QuotaIsNotExceededRule(data.quota)));
  const step = state.chain[state.atStep]!;
  return [
    {
      type: 'commendation.NominationEndorsed',
      data: {
        nominationId: state.nominationId!,
        programmeId: state.programmeId!,
        step,
        shortlisted: state.atStep === state.chain.length - 1,
        late: data.today > step.dueOn,
        endorsedOn: data.today,
        quota: { unitOrgId: state.unitOrgId!, places: data.quota.places, usedBefore: data.quota.used },
        decision: {
          decidedBy: data.decidedBy,
          inputs: [self(state), data.programme, ...(data.quota.stream ? [data.quota.stream] : [])],
          rule,
          checks: rules.besides(rule),
          reason: data.reason,
        },
      },
    },
  ];
}

function returnOrReject(data: ReturnNomination['data'], state: NominationState) {
  const rules = new RulesChecked();
  const rule = ruleRef(byTheAwaitedLevel(rules, data, state));
  rules.check(decisionGivesItsReason(data.ruleVersions, data.reason));
  rules.checkIfRun(decisionTextCarriesNoPersonalNumbers(data.ruleVersions, data.reason));
  return {
    nominationId: state.nominationId!,
    programmeId: state.programmeId!,
    step: state.chain[state.atStep]!,
    decision: { decidedBy: data.decidedBy, inputs: [self(state)], rule, checks: rules.besides(rule), reason: data.reason },
  };
}

export function returnNomination({ data }: ReturnNomination, state: NominationState): NominationEvent[] {
  return [{ type: 'commendation.NominationReturned', data: returnOrReject(data, state) }];
}

export function rejectNomination({ data }: RejectNomination, state: NominationState): NominationEvent[] {
  return [{ type: 'commendation.NominationRejected', data: returnOrReject(data, state) }];
}

/** Not a decision by anyone: a fact the service notes from the date, so it records no decidedBy. */
export function noteReviewOverdue({ data }: NoteReviewOverdue, state: NominationState): NominationEvent[] {
  checkRule(new NominationAwaitsReviewRule(state.status));
  checkRule(new ReviewIsPastItsDeadlineRule(state.chain[state.atStep], data.today));
  checkRule(new OverdueIsNotedOnceRule(state));
  return [
    {
      type: 'commendation.NominationReviewOverdue',
      data: { nominationId: state.nominationId!, programmeId: state.programmeId!, step: state.chain[state.atStep]!, notedOn: data.today },
    },
  ];
}
