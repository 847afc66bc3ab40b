import { checkRule } from '@vanguard/kernel';
import { AssistanceVisitLogged, CadreDispatched, DeedCorrected, DeedDone, type CadreRole, type ProjectCategory } from '@vanguard/contracts';
import type { Day } from '../shared/day';
import { domainEvent, type DomainEvent } from '../shared/domain-event';
import { AmountMustBeWithinTheCap } from '../shared/money.rules';
import { DayMustNotBeInTheFuture, PeriodMustNotEndBeforeItStarts } from '../shared/period.rules';
import { MustBeAnActiveVillage, type Village } from '../shared/village';
import {
  CadreMustBeAnActiveMember,
  CountyReplacesOnlyItsOwnDeed,
  DayMustFallWithinTheDispatch,
  DeedMustBeForTheVillageOf,
  HouseholdMustLiveInTheCadresVillage,
  VisitedHouseholdsMustHoldTheCadresCard,
  VisitNamesEachHouseholdOnce,
  DispatchesToAVillageMustNotOverlap,
} from './field-work.rules';

/** 驻村干部 / 第一书记: who (a roster member), where, from when to when. */
export interface Cadre {
  readonly id: string;
  readonly memberId: string;
  readonly orgId: string;
  readonly role: CadreRole;
  readonly sendingUnitName: string;
  readonly from: Day;
  readonly to: Day;
}

export function dispatchCadre(
  input: Omit<Cadre, 'orgId'>,
  village: Village,
  memberActive: boolean,
  overlapping: readonly string[] = [],
): { cadre: Cadre; events: DomainEvent[] } {
  checkRule(new MustBeAnActiveVillage(village));
  checkRule(new CadreMustBeAnActiveMember(memberActive));
  checkRule(new PeriodMustNotEndBeforeItStarts(input.from, input.to));
  checkRule(new DispatchesToAVillageMustNotOverlap(overlapping));
  const cadre: Cadre = { ...input, orgId: village.id };
  const event = domainEvent(CadreDispatched, cadre.id, cadre.orgId, {
    cadreId: cadre.id,
    memberId: cadre.memberId,
    orgId: cadre.orgId,
    role: cadre.role,
    sendingUnitName: cadre.sendingUnitName,
    from: cadre.from,
    to: cadre.to,
  });
  return { cadre, events: [event] };
}

/** 民情联系卡: the cadre takes a household of their village as one they visit. */
export function issueContactCard(cadre: Cadre, household: { orgId: string }): void {
  checkRule(new HouseholdMustLiveInTheCadresVillage(household.orgId, cadre.orgId));
}

/** 民情日记: an entry is written during the dispatch, not ahead of time. */
export function writeDiaryEntry(cadre: Cadre, writtenOn: Day, today: Day): void {
  checkRule(new DayMustNotBeInTheFuture('writtenOn', writtenOn, today));
  checkRule(new DayMustFallWithinTheDispatch(writtenOn, cadre.from, cadre.to));
}

/** 走访慰问: a visit to households holding the cadre's card, on a day of the dispatch. */
export function logVisit(
  cadre: Cadre,
  input: { id: string; visitedOn: Day; householdIds: readonly string[] },
  cardHolders: ReadonlySet<string>,
  today: Day,
): DomainEvent[] {
  checkRule(new DayMustNotBeInTheFuture('visitedOn', input.visitedOn, today));
  checkRule(new DayMustFallWithinTheDispatch(input.visitedOn, cadre.from, cadre.to));
  checkRule(new VisitNamesEachHouseholdOnce(input.householdIds));
  checkRule(new VisitedHouseholdsMustHoldTheCadresCard(input.householdIds.filter((h) => !cardHolders.has(h))));
  return [
    domainEvent(AssistanceVisitLogged, cadre.id, cadre.orgId, {
      visitId: input.id,
      cadreId: cadre.id,
      orgId: cadre.orgId,
      visitedOn: input.visitedOn,
      householdIds: [...input.householdIds],
    }),
  ];
}

export interface Deed {
  readonly id: string;
  readonly pairingId: string | null;
  readonly cadreId: string | null;
  readonly category: ProjectCategory;
  readonly title: string;
  readonly doneOn: Day;
  readonly amountFen: number | null;
  readonly householdsHelped: number;
}

/** 办实事: logged once, for a village; the cadre or pairing named must be that village's. */
export function recordDeed(deed: Deed, village: Village, by: { cadreOrgId?: string; pairingOrgId?: string }, today: Day): DomainEvent[] {
  checkRule(new MustBeAnActiveVillage(village));
  checkRule(new DayMustNotBeInTheFuture('doneOn', deed.doneOn, today));
  if (deed.amountFen !== null) checkRule(new AmountMustBeWithinTheCap('amountFen', deed.amountFen));
  if (by.cadreOrgId !== undefined) checkRule(new DeedMustBeForTheVillageOf('cadre', village.id, by.cadreOrgId));
  if (by.pairingOrgId !== undefined) checkRule(new DeedMustBeForTheVillageOf('pairing', village.id, by.pairingOrgId));
  return [domainEvent(DeedDone, deed.id, village.id, deedData(deed, village.id))];
}

/** A deed as the public events carry it (DeedDone, and DeedCorrected's current state). */
function deedData(deed: Deed, orgId: string) {
  return {
    deedId: deed.id,
    orgId,
    ...(deed.pairingId ? { pairingId: deed.pairingId } : {}),
    ...(deed.cadreId ? { cadreId: deed.cadreId } : {}),
    category: deed.category,
    title: deed.title,
    doneOn: deed.doneOn,
    ...(deed.amountFen !== null ? { amountFen: deed.amountFen } : {}),
    householdsHelped: deed.householdsHelped,
  };
}

/** A deed as recorded, with the village it is for: what a county's replacement corrects. */
export type RecordedDeed = Pick<Deed, 'category' | 'title' | 'doneOn' | 'amountFen' | 'householdsHelped'> & { readonly orgId: string };

/** Whether a replacement changes anything the deed events announce. */
const sameDeed = (before: RecordedDeed, after: RecordedDeed): boolean =>
  (['orgId', 'category', 'title', 'doneOn', 'amountFen', 'householdsHelped'] as const).every((k) => before[k] === after[k]);

/**
 * 办实事 reported by a county system (county.DeedRecorded): the village's rules as for a deed
 * logged here, and a resend with the same id replaces the county's own earlier record. The
 * first record is announced (DeedDone); a replacement that changes the deed is announced as
 * DeedCorrected with what it was before, so consumers replace what they counted instead of
 * counting a second deed, or missing the change.
 */
export function recordCountyDeed(
  deed: Deed,
  village: Village,
  countyClientId: string,
  existing: { readonly countyClientId: string | null; readonly deed: RecordedDeed } | null,
  today: Day,
): { replaces: boolean; events: DomainEvent[] } {
  checkRule(new CountyReplacesOnlyItsOwnDeed(existing, countyClientId));
  const events = recordDeed(deed, village, {}, today);
  if (!existing) return { replaces: false, events };
  const now: RecordedDeed = { ...deed, orgId: village.id };
  if (sameDeed(existing.deed, now)) return { replaces: true, events: [] };
  const before = existing.deed;
  const previous = {
    orgId: before.orgId,
    category: before.category,
    title: before.title,
    doneOn: before.doneOn,
    ...(before.amountFen !== null ? { amountFen: before.amountFen } : {}),
    householdsHelped: before.householdsHelped,
  };
  return { replaces: true, events: [domainEvent(DeedCorrected, deed.id, village.id, { ...deedData(deed, village.id), previous })] };
}
