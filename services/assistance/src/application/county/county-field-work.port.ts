import type { CountyMemberIds } from '@vanguard/county-inbound';
import type { Cadre, Deed, RecordedDeed } from '../../domain/field-work/field-work';
import type { Tx } from '../ports/unit-of-work.port';

export const COUNTY_FIELD_WORK = Symbol('CountyFieldWork');
export const COUNTY_LINKS_ARRIVAL = Symbol('CountyLinksArrival');

/** Links the organization may still be publishing (libs/county-inbound LinksArrival, fed by the links consumer's progress). */
export interface CountyLinksArrival {
  /** Throws no verdict until the links published soon after these messages arrived are read here. */
  awaitLinks(receivedAt: readonly Date[]): Promise<void>;
}

/** What a county's deed carries beyond a deed logged here (帮扶单位 by name, the county that sent it). */
export interface CountyDeedOrigin {
  readonly countyClientId: string;
  readonly helperUnitName: string;
  readonly helperOrgId: string | null;
  readonly description: string | null;
}

/** The questions and writes of county field work (deeds and visits sent by county systems), in the gate's transaction. */
export interface CountyFieldWorkRepository {
  /** `countyMemberIds` of `countyClientId` linked to platform members now, or taken over by another county (organization.CountyMemberLinked). */
  memberIds(tx: Tx, countyClientId: string, countyMemberIds: readonly string[]): Promise<CountyMemberIds>;
  /** Who logged the deed with this id (null county: logged here) and the deed as recorded, or null when none was; locks the row. */
  deedOrigin(tx: Tx, deedId: string): Promise<{ countyClientId: string | null; deed: RecordedDeed } | null>;
  /** Whether another deed of the village has this title on this day (deeds are unique so). */
  deedTitleTaken(tx: Tx, orgId: string, doneOn: string, title: string, exceptDeedId: string): Promise<boolean>;
  /** Inserts the county's deed, or replaces its earlier record with the same id. */
  saveCountyDeed(tx: Tx, deed: Deed, orgId: string, origin: CountyDeedOrigin, at: Date): Promise<void>;
  /** The member's dispatch to the village covering `on`, else their latest dispatch there; null when never dispatched there. */
  cadreOfMember(tx: Tx, memberId: string, orgId: string, on: string): Promise<Cadre | null>;
  /** Household id by the county's opaque reference (the household's label in the village). */
  householdsByRef(tx: Tx, orgId: string, refs: readonly string[]): Promise<ReadonlyMap<string, string>>;
  visitLogged(tx: Tx, visitId: string): Promise<boolean>;
}
