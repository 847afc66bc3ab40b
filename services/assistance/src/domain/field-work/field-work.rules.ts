import { Rule } from '@vanguard/kernel';
import type { Day } from '../shared/day';

/** A cadre's visits and diary fall within their dispatch: before or after it they were not the village's cadre. */
export class DayMustFallWithinTheDispatch extends Rule {
  readonly id = 'within-dispatch';
  readonly code = 'CADRE.OUTSIDE_DISPATCH';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly day: Day,
    private readonly from: Day,
    private readonly to: Day,
  ) {
    super();
    this.message = `日期不在驻村期间 (${from} – ${to}) / ${day} is outside the dispatch (${from} – ${to})`;
  }
  isBroken(): boolean {
    return this.day < this.from || this.day > this.to;
  }
}

/** 民情联系卡: a cadre links households of the village they serve, not of another. */
export class HouseholdMustLiveInTheCadresVillage extends Rule {
  readonly id = 'household-in-cadres-village';
  readonly code = 'CARD.HOUSEHOLD_ELSEWHERE';
  readonly kind = 'rule' as const;
  readonly message = '该户不在驻村干部所在村 / the household lives in another village than the cadre serves';
  constructor(
    private readonly householdOrgId: string,
    private readonly cadreOrgId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.householdOrgId !== this.cadreOrgId;
  }
}

/** 走访联系户: a visit counts for households that hold the visiting cadre's contact card. */
export class VisitedHouseholdsMustHoldTheCadresCard extends Rule {
  readonly id = 'visited-households-hold-card';
  readonly code = 'VISIT.HOUSEHOLD_WITHOUT_CARD';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(private readonly withoutCard: readonly string[]) {
    super();
    this.message = `以下户未持该干部的民情联系卡 / these households hold no contact card of this cadre: ${withoutCard.join(', ')}`;
  }
  isBroken(): boolean {
    return this.withoutCard.length > 0;
  }
}

/**
 * A visit names each household once. A county may name one household by its label and by its id
 * (both valid references): resolved, that was one household twice, which broke the visit's key in
 * the database and failed the gate's whole chunk, again at every retry, before a dead letter.
 */
export class VisitNamesEachHouseholdOnce extends Rule {
  readonly id = 'visit-names-household-once';
  readonly code = 'VISIT.HOUSEHOLD_TWICE';
  readonly kind = 'rule' as const;
  readonly message: string;
  private readonly twice: readonly string[];
  constructor(householdIds: readonly string[]) {
    super();
    this.twice = [...new Set(householdIds.filter((h, i) => householdIds.indexOf(h) !== i))];
    this.message = `同一户在一次走访中出现多次 / these households are named more than once in one visit: ${this.twice.join(', ')}`;
  }
  isBroken(): boolean {
    return this.twice.length > 0;
  }
}

/**
 * A member is sent to one village once for any day: fifty identical dispatches at once made fifty
 * overlapping rows, and a county's visit then landed on whichever the lookup picked first, perhaps
 * one without the cards its households hold.
 */
export class DispatchesToAVillageMustNotOverlap extends Rule {
  readonly id = 'dispatches-do-not-overlap';
  readonly code = 'CADRE.ALREADY_DISPATCHED';
  readonly kind = 'conflict' as const;
  readonly message: string;
  constructor(private readonly overlapping: readonly string[]) {
    super();
    this.message = `该党员在此期间已派驻本村 / the member is already dispatched to this village for part of the period: ${overlapping.join(', ')}`;
  }
  isBroken(): boolean {
    return this.overlapping.length > 0;
  }
}

/** A deed by a cadre, or under a pairing, is for that cadre's or pairing's village. */
export class DeedMustBeForTheVillageOf extends Rule {
  readonly id = 'deed-for-the-village';
  readonly code: string;
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    what: 'cadre' | 'pairing',
    private readonly deedOrgId: string,
    private readonly theirOrgId: string,
  ) {
    super();
    this.code = what === 'cadre' ? 'DEED.CADRE_ELSEWHERE' : 'DEED.PAIRING_ELSEWHERE';
    this.message = `所填${what === 'cadre' ? '驻村干部' : '结对'}不属于该村 / the ${what} named serves another village`;
  }
  isBroken(): boolean {
    return this.deedOrgId !== this.theirOrgId;
  }
}

/** Only an active member of the roster is dispatched: the roster is the organization service's word. */
export class CadreMustBeAnActiveMember extends Rule {
  readonly id = 'cadre-active-member';
  readonly code = 'CADRE.NOT_AN_ACTIVE_MEMBER';
  readonly kind = 'rule' as const;
  readonly message = '选派干部须为在册党员 / a dispatched cadre must be an active member on the roster';
  constructor(private readonly active: boolean) {
    super();
  }
  isBroken(): boolean {
    return !this.active;
  }
}

/**
 * 县级系统办实事: a county system may send a deed again with the same id and it replaces the
 * earlier record — its own earlier record. A deed id already logged here by hand, or by another
 * county's system, is not the county's to replace.
 */
export class CountyReplacesOnlyItsOwnDeed extends Rule {
  readonly id = 'county-deed-replaced-by-its-county';
  readonly code = 'DEED.ALREADY_LOGGED';
  readonly kind = 'conflict' as const;
  readonly message = '该实事编号已由他方登记，不能替换 / this deed id was logged by someone else and cannot be replaced';
  constructor(
    private readonly existing: { readonly countyClientId: string | null } | null,
    private readonly countyClientId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.existing !== null && this.existing.countyClientId !== this.countyClientId;
  }
}
