import type { AwardCategory } from '@vanguard/contracts';
import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { pathInputs, recordedPaths, type DecidedBy } from '../decided-by';
import { ALL_POLICIES_PASSED, checkEligibility } from '../eligibility/eligibility';
import type { EligibilityFacts } from '../eligibility/eligibility.facts';
import type { ProgrammeFacts } from '../programme/programme.facts';
import { CategoryIsInTheProgrammeRule } from '../programme/programme.rules';
import { RulesChecked } from '../rules-checked';
import type { AmendNomination, CheckEligibility, NominationCommand, SubmitNomination } from './nomination.commands';
import { decideCommendation, revokeCommendation, withdrawNomination } from './nomination.outcome.decide';
import type { EligibilityCheckedEvent, NominationEvent } from './nomination.events';
import { endorseNomination, noteReviewOverdue, rejectNomination, returnNomination } from './nomination.review.decide';
import {
  NominationComesFromBelowTheAwardingBodyRule,
  NominationIsAmendedByItsNominatorRule,
  NominationIsInTheWindowRule,
  NominationIsStandingRule,
  NominationIsSubmittedOnceRule,
  NomineeFitsTheCategoryRule,
  NomineeIsInTheNominatorsCareRule,
  NomineeIsNominatedOnceRule,
  OnlyAReturnedNominationIsAmendedRule,
  QuotaIsNotExceededRule,
  deedsCarryNoPersonalNumbers,
} from './nomination.rules';
import { evolve, initialState, nominationStreamId, type NominationState } from './nomination.state';
import { reviewChainOf, subordinateUnitOf } from './review-chain';

interface Subject {
  readonly nominationId: string;
  readonly category: AwardCategory;
  readonly nominee: { readonly kind: 'member' | 'organization'; readonly id: string };
}

/**
 * The programme's policies on the nominee's facts, as an event: each policy's verdict and
 * what it read; the decision names the policy that refused, or that all passed.
 */
function eligibilityChecked(
  subject: Subject,
  programme: ProgrammeFacts,
  facts: EligibilityFacts,
  decidedBy: DecidedBy,
  ownStream: { streamId: string; version: number } | null,
): EligibilityCheckedEvent {
  const outcome = checkEligibility(programme.eligibilityPolicies, subject.category, programme.years, facts);
  const refused = outcome.refusedBy;
  return {
    type: 'commendation.EligibilityChecked',
    data: {
      nominationId: subject.nominationId,
      programmeId: programme.programmeId,
      category: subject.category,
      nominee: { kind: subject.nominee.kind, id: subject.nominee.id },
      eligible: outcome.eligible,
      results: outcome.results,
      decision: {
        decidedBy,
        inputs: [...(ownStream ? [ownStream] : []), { streamId: programme.streamId, version: programme.version }, ...outcome.inputs],
        rule: refused ? ruleRef(refused) : ALL_POLICIES_PASSED,
        reason: refused ? refused.message : '符合表彰所定的各项资格条件 / meets every eligibility policy of the programme',
      },
    },
  };
}

/**
 * A refused eligibility check is recorded, not thrown: the stream keeps which policy refused
 * and what it read, and the handler answers 422 naming that policy (`eligibilityRefusal`).
 */
export function submitNomination({ data }: SubmitNomination, state: NominationState): NominationEvent[] {
  const { programme } = data;
  const chain = reviewChainOf(data.nominatorOrgPath, programme);
  const rules = new RulesChecked();
  rules.check(new NominationIsSubmittedOnceRule(state.status));
  rules.check(new CategoryIsInTheProgrammeRule(programme.categories, data.category));
  rules.check(new NomineeFitsTheCategoryRule(data.category, data.nominee));
  rules.check(new NominationComesFromBelowTheAwardingBodyRule(data.decidedBy, data.nominatorOrgPath, chain));
  rules.check(new NomineeIsInTheNominatorsCareRule(data.decidedBy.orgId, data.nominee, data.nomineeOrgPath));
  rules.check(new NominationIsInTheWindowRule(programme.timeline, data.today));
  rules.check(new NomineeIsNominatedOnceRule(data.alreadyNominated));
  rules.check(deedsCarryNoPersonalNumbers(data.ruleVersions, data.deeds, data.nominee.name));
  const rule = ruleRef(rules.check(new QuotaIsNotExceededRule(data.quota)));

  const checked = eligibilityChecked(data, programme, data.eligibility, data.decidedBy, null);
  if (!checked.data.eligible) return [checked];
  return [
    checked,
    {
      type: 'commendation.NominationSubmitted',
      data: {
        nominationId: data.nominationId,
        programmeId: programme.programmeId,
        category: data.category,
        nominee: data.nominee,
        nominatorOrgId: data.decidedBy.orgId,
        deeds: data.deeds,
        chain,
        quota: {
          unitOrgId: subordinateUnitOf(data.nominatorOrgPath, programme.orgId)!,
          places: data.quota.places,
          usedBefore: data.quota.used,
        },
        submittedOn: data.today,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [
            { streamId: programme.streamId, version: programme.version },
            ...(data.quota.stream ? [data.quota.stream] : []),
            ...(data.alreadyNominated ? [data.alreadyNominated] : []),
            ...pathInputs([...data.nominatorOrgPath.map((o) => o.orgId), ...data.nomineeOrgPath], data.orgVersions),
          ],
          rule,
          checks: rules.besides(rule),
          reason: data.reason ?? '',
          // The levels the review chain was drawn from and the path the nominee was found on.
          orgPaths: recordedPaths(['nominator', data.nominatorOrgPath], ['nominee', data.nomineeOrgPath]),
        },
      },
    },
  ];
}

const subjectOf = (state: NominationState): Subject => ({
  nominationId: state.nominationId!,
  category: state.category!,
  nominee: state.nominee!,
});
const self = (state: NominationState) => ({ streamId: nominationStreamId(state.nominationId!), version: state.version });

export function checkNomineeEligibility({ data }: CheckEligibility, state: NominationState): NominationEvent[] {
  checkRule(new NominationIsStandingRule(state.status));
  return [eligibilityChecked(subjectOf(state), data.programme, data.eligibility, data.decidedBy, self(state))];
}

/** The amended nomination is checked again; refused, only the check is recorded and it stays returned. */
export function amendNomination({ data }: AmendNomination, state: NominationState): NominationEvent[] {
  const rules = new RulesChecked();
  rules.check(new OnlyAReturnedNominationIsAmendedRule(state.status));
  const rule = ruleRef(rules.check(new NominationIsAmendedByItsNominatorRule(data.decidedBy, state.nominatorOrgId)));
  rules.check(deedsCarryNoPersonalNumbers(data.ruleVersions, data.deeds));
  const checked = eligibilityChecked(subjectOf(state), data.programme, data.eligibility, data.decidedBy, self(state));
  if (!checked.data.eligible) return [checked];
  return [
    checked,
    {
      type: 'commendation.NominationAmended',
      data: {
        nominationId: state.nominationId!,
        programmeId: state.programmeId!,
        deeds: data.deeds,
        decision: { decidedBy: data.decidedBy, inputs: [self(state)], rule, checks: rules.besides(rule), reason: data.reason ?? '' },
      },
    },
  ];
}

export function decide(command: NominationCommand, state: NominationState): NominationEvent[] {
  switch (command.type) {
    case 'SubmitNomination':
      return submitNomination(command, state);
    case 'CheckEligibility':
      return checkNomineeEligibility(command, state);
    case 'EndorseNomination':
      return endorseNomination(command, state);
    case 'ReturnNomination':
      return returnNomination(command, state);
    case 'RejectNomination':
      return rejectNomination(command, state);
    case 'AmendNomination':
      return amendNomination(command, state);
    case 'NoteReviewOverdue':
      return noteReviewOverdue(command, state);
    case 'WithdrawNomination':
      return withdrawNomination(command, state);
    case 'DecideCommendation':
      return decideCommendation(command, state);
    case 'RevokeCommendation':
      return revokeCommendation(command, state);
  }
}

/** 推荐 → 逐级审核 → 公示 → 表彰决定 (→ 撤销) on one nomination's stream. */
export const nominationDecider: Decider<NominationCommand, NominationState, NominationEvent> = { initialState, evolve, decide };
