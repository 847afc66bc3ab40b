import { checkRule } from '@vanguard/kernel';
import { PairingFormed } from '@vanguard/contracts';
import type { Day } from '../shared/day';
import { domainEvent, type DomainEvent } from '../shared/domain-event';
import { PeriodMustNotEndBeforeItStarts } from '../shared/period.rules';
import { MustBeAnActiveVillage, type Village } from '../shared/village';
import {
  GuidingTownshipMustBeAboveTheVillage,
  LaggingVillageNeedsAPlanAndTheFiveFixedPoints,
  OnlyALaggingVillageHasARectificationPlan,
} from './pairing.rules';

/** 五定点 (seed 002): who answers for a lagging village's rectification, one of each. */
export interface FiveFixedPoints {
  readonly leaderSub: string;
  readonly townshipOrgId: string;
  readonly helperUnitName: string;
  readonly cadreMemberId: string;
  readonly supervisingOffice: string;
}

/** 结对帮扶 / 包村联户: a helper unit and a village or community, for a period, with goals. */
export interface Pairing {
  readonly id: string;
  readonly orgId: string;
  readonly helperUnitName: string;
  readonly helperOrgId?: string;
  readonly from: Day;
  readonly to: Day;
  readonly goals: readonly string[];
  readonly lagging: boolean;
  readonly villagePlan?: string;
  readonly fiveFixedPoints?: FiveFixedPoints;
}

export type FormPairing = Omit<Pairing, 'orgId'>;

/** Forms a pairing with `village`; refuses with the rule broken. */
export function formPairing(input: FormPairing, village: Village): { pairing: Pairing; events: DomainEvent[] } {
  checkRule(new MustBeAnActiveVillage(village));
  checkRule(new PeriodMustNotEndBeforeItStarts(input.from, input.to));
  const hasPlan = !!input.villagePlan;
  const hasPoints = !!input.fiveFixedPoints;
  checkRule(new LaggingVillageNeedsAPlanAndTheFiveFixedPoints(input.lagging, hasPlan, hasPoints));
  checkRule(new OnlyALaggingVillageHasARectificationPlan(input.lagging, hasPlan || hasPoints));
  if (input.fiveFixedPoints) checkRule(new GuidingTownshipMustBeAboveTheVillage(input.fiveFixedPoints.townshipOrgId, village.path));
  const pairing: Pairing = { ...input, orgId: village.id };
  const event = domainEvent(PairingFormed, pairing.id, village.id, {
    pairingId: pairing.id,
    orgId: village.id,
    helperUnitName: pairing.helperUnitName,
    ...(pairing.helperOrgId ? { helperOrgId: pairing.helperOrgId } : {}),
    from: pairing.from,
    to: pairing.to,
    goals: [...pairing.goals],
    lagging: pairing.lagging,
    ...(pairing.villagePlan ? { villagePlan: pairing.villagePlan } : {}),
    ...(pairing.fiveFixedPoints ? { fiveFixedPoints: { ...pairing.fiveFixedPoints } } : {}),
  });
  return { pairing, events: [event] };
}
