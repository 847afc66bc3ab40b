import { BusinessRuleViolation } from '@vanguard/kernel';
import { policyFor } from '../eligibility/eligibility';
import { NO_FACTS } from '../eligibility/eligibility.facts';
import type { NominationEvent } from './nomination.events';

/**
 * After `SubmitNomination` or `AmendNomination`: the refusal to answer with (422, the refusing
 * policy's code and message) when the events end in a failed eligibility check, which the
 * handler appends first so the refusal stays on record; null when the command went through.
 */
export function eligibilityRefusal(events: readonly NominationEvent[]): BusinessRuleViolation | null {
  const last = events.at(-1);
  if (last?.type !== 'commendation.EligibilityChecked' || last.data.eligible) return null;
  return new BusinessRuleViolation(policyFor(last.data.decision.rule, [], NO_FACTS));
}
