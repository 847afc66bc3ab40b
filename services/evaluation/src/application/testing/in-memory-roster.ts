import {
  LEADER_ROLES,
  type LeaderStanding,
  type RosterCaller,
  type RosterLeader,
  type RosterMember,
  type RosterPort,
} from '../ports/roster.port';

export interface InMemoryRosterInput {
  /** The tree as child → parent (null for the root). */
  readonly parents: Record<string, string | null>;
  readonly members?: readonly RosterMember[];
  /** Contact points: which organisation, and the leader's id (a Keycloak `sub`). */
  readonly contactPoints?: readonly { readonly id: string; readonly orgId: string; readonly leaderId: string }[];
}

/** The roster in memory with the same answers as the projection, for handler specs. */
export class InMemoryRoster implements RosterPort {
  private readonly members = new Map<string, RosterMember>();

  constructor(private readonly input: InMemoryRosterInput) {
    for (const m of input.members ?? []) this.members.set(m.id, m);
  }

  /** Replaces or adds a member, as a newer state record would. */
  put(member: RosterMember): void {
    this.members.set(member.id, member);
  }

  member(memberId: string): Promise<RosterMember | null> {
    return Promise.resolve(this.members.get(memberId) ?? null);
  }

  isActiveMemberOf(memberId: string, orgId: string): Promise<boolean> {
    const m = this.members.get(memberId);
    return Promise.resolve(!!m && m.active && m.orgId === orgId);
  }

  leadersOf(orgId: string): Promise<readonly RosterLeader[]> {
    const committee: RosterLeader[] = this.activeIn(orgId)
      .filter(isLeader)
      .map((m) => ({ as: 'committee', memberId: m.id, roles: m.roles }));
    const points: RosterLeader[] = (this.input.contactPoints ?? [])
      .filter((cp) => cp.orgId === orgId)
      .map((cp) => ({ as: 'contact_point', leaderId: cp.leaderId, contactPointId: cp.id }));
    return Promise.resolve([...committee, ...points]);
  }

  leaderStanding(caller: RosterCaller, orgId: string): Promise<LeaderStanding | null> {
    const point = (this.input.contactPoints ?? []).find(
      (cp) => cp.orgId === orgId && (cp.leaderId === caller.sub || cp.leaderId === caller.memberId),
    );
    if (point) return Promise.resolve({ as: 'contact_point_leader', contactPointId: point.id });
    const m = caller.memberId ? this.members.get(caller.memberId) : undefined;
    if (m?.active && isLeader(m) && this.strictAncestors(orgId).includes(m.orgId))
      return Promise.resolve({ as: 'ancestor_leader', viaOrgId: m.orgId, memberId: m.id });
    return Promise.resolve(null);
  }

  activeMemberIdsOf(orgId: string): Promise<readonly string[]> {
    return Promise.resolve(
      this.activeIn(orgId)
        .map((m) => m.id)
        .sort(),
    );
  }

  private activeIn(orgId: string): RosterMember[] {
    return [...this.members.values()].filter((m) => m.active && m.orgId === orgId);
  }

  private strictAncestors(orgId: string): string[] {
    const out: string[] = [];
    for (let id = this.input.parents[orgId]; id; id = this.input.parents[id]) out.push(id);
    return out;
  }
}

const isLeader = (m: RosterMember): boolean => m.roles.some((r) => LEADER_ROLES.includes(r));
