import type { MemberRole, MemberStatus } from '@vanguard/contracts';

export const ROSTER = Symbol('ROSTER');

/**
 * Roles that make a member one of their organisation's leaders (书记, 委员): the branch
 * committee as the organization service models it (member roles `secretary`, `committee_member`).
 */
export const LEADER_ROLES: readonly MemberRole[] = ['secretary', 'committee_member'];

/** A member as evaluation's projection of the organization roster knows them: no personal data. */
export interface RosterMember {
  readonly id: string;
  readonly orgId: string;
  /** `full` or `probationary` (正式 / 预备党员). */
  readonly status: MemberStatus;
  /** False once the member left (other than by transfer; a transfer only changes `orgId`). */
  readonly active: boolean;
  readonly roles: readonly MemberRole[];
}

/**
 * Who is asking. `sub` is the Keycloak subject: contact points record it as their leader
 * (the organization service defaults `leaderId` to the caller's `sub`). `memberId` is the
 * caller's member id when something maps the account to a member; today the realm carries
 * no such mapping, so leadership through a member's role only applies when it is given.
 */
export interface RosterCaller {
  readonly sub: string;
  readonly memberId?: string;
}

/** Why a caller may lead on an organisation (领导点评: by hierarchy or through a 联系点). */
export type LeaderStanding =
  | { readonly as: 'ancestor_leader'; readonly viaOrgId: string; readonly memberId: string }
  | { readonly as: 'contact_point_leader'; readonly contactPointId: string };

/** A leader of one organisation: a committee member, or a contact-point leader linked to it. */
export type RosterLeader =
  | { readonly as: 'committee'; readonly memberId: string; readonly roles: readonly MemberRole[] }
  | { readonly as: 'contact_point'; readonly leaderId: string; readonly contactPointId: string };

/**
 * Evaluation's questions about people, answered from its own projection of the organization
 * service's state topics (issue 10, "The roster it needs"). Eventually consistent: an answer
 * may lag the organization service by the projection's lag.
 */
export interface RosterPort {
  /** The member, active or not, or null when the projection does not know them (yet). */
  member(memberId: string): Promise<RosterMember | null>;
  /** Whether the member is active in `orgId` right now (their org is `orgId` and they have not left). */
  isActiveMemberOf(memberId: string, orgId: string): Promise<boolean>;
  /** Active members of `orgId` holding a leader role, and the contact-point leaders linked to it. */
  leadersOf(orgId: string): Promise<readonly RosterLeader[]>;
  /**
   * Whether `caller` leads on `orgId`: as an active member holding a leader role in a strict
   * ancestor of it, or as the leader of one of its contact points. Null when neither.
   */
  leaderStanding(caller: RosterCaller, orgId: string): Promise<LeaderStanding | null>;
  /** Ids of the active members of `orgId` (not of its descendants), sorted; for democratic review. */
  activeMemberIdsOf(orgId: string): Promise<readonly string[]>;
}
