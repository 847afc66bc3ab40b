import type { MemberProps, MembershipHistoryEntry } from '../../domain/member/member.aggregate';
import type { MemberTransfer, TransferEnding } from '../../domain/transfer/member-transfer.aggregate';
import type { OrgStatus } from '../../domain/organization/organization.vocabulary';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import type { EventContext } from '../ports/outbox.port';

export const COUNTY_ROSTER_STORE = Symbol('CountyRosterStore');

/** A county's own id for a person, as one county system names it. */
export interface CountyMemberKey {
  readonly countyClientId: string;
  readonly countyMemberId: string;
}

/** A stored member as the roster sync needs it: personal numbers are never opened (a county sends none). */
export type RosterMemberState = Omit<MemberProps, 'personal' | 'history'>;

/**
 * What a batch of roster messages reads, in a few statements whatever its size, locked for the
 * batch in the platform's one order (ADR 0129): open transfers (when the batch ends them), then
 * organisations (shared, in id order) — those the messages name and those its members were read
 * in, unlocked — then members (in id order).
 */
export interface CountyRosterSnapshot {
  /** `${countyClientId} ${countyMemberId}` → the linked member (current links only). */
  readonly linked: ReadonlyMap<string, RosterMemberState>;
  /** `${countyClientId} ${countyMemberId}` of an ended link → the county client that took the member over. */
  readonly takenOver: ReadonlyMap<string, string>;
  /**
   * Unlinked county ids that are a platform member's id (a county naming a member it received by
   * transfer, county-takeover.ts) → that member (locked) and the link that names him now, if any.
   */
  readonly claimable: ReadonlyMap<string, { readonly state: RosterMemberState; readonly link?: CountyMemberKey }>;
  /**
   * Every organisation the batch locked (shared). A member of `linked` or `claimable` in none of
   * them moved (a merge, a transfer) between the unlocked read and his lock: the batch lost a race.
   */
  readonly organizations: ReadonlyMap<string, { readonly id: string; readonly status: OrgStatus }>;
  /** Member id → transfers still requested or accepted. */
  readonly openTransfers: ReadonlyMap<string, number>;
  /**
   * Member id → the line of his history with the latest day among those that bound a leaving
   * (`BOUNDS_A_LEAVING`, ADR 0150), read for a removal batch only (empty
   * otherwise), after the members are locked: a leaving day may not precede it (ADR 0140).
   */
  readonly latestHistory: ReadonlyMap<string, MembershipHistoryEntry>;
}

export interface NewCountyMemberLink extends CountyMemberKey {
  readonly memberId: string;
  readonly orgId: string;
}

/** Everything a batch changes, written in a few multi-row statements in the gate's transaction. */
export interface CountyRosterChanges {
  /** Members to insert (first sync), in their final state. */
  readonly joined: readonly RosterMemberState[];
  /** Stored members to update, with the version they were read at. */
  readonly changed: readonly RosterMemberState[];
  readonly history: readonly { memberId: string; on: string; kind: string; orgId: string; detail: string | null }[];
  readonly transfers: readonly MemberTransfer[];
  /**
   * Open transfers of members who left, to end as MemberTransfer does (status `cancelled`, the
   * day and the ending's reason, and a MemberTransferCancelled for each transfer ended, in the
   * message's context, after the batch's events): the batch reads only how many a member has, not
   * the transfers, so the store ends what is open when it writes, or nothing.
   */
  readonly endedTransfers: readonly {
    readonly memberId: string;
    readonly on: string;
    readonly ending: TransferEnding;
    readonly context: EventContext;
  }[];
  readonly links: readonly NewCountyMemberLink[];
  /** Links ended by a take-over (before `links` are inserted: one current link per member). */
  readonly endedLinks: readonly (CountyMemberKey & { readonly takenOverBy: string })[];
  /** In order; events of one member's stream keep their order. */
  readonly events: readonly { readonly event: DomainEvent; readonly context: EventContext }[];
}

export interface CountyRosterStore<TTx> {
  /**
   * `orgIds`: organisations the messages name; `removal`: a removal batch — lock the members' open
   * transfers first (a removal ends them) and read each member's latest history line (`latestHistory`).
   */
  load(tx: TTx, keys: readonly CountyMemberKey[], orgIds: readonly string[], removal: boolean): Promise<CountyRosterSnapshot>;
  save(tx: TTx, changes: CountyRosterChanges): Promise<void>;
}

export const linkKey = (k: CountyMemberKey): string => `${k.countyClientId} ${k.countyMemberId}`;
