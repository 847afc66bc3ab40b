import type { Pool } from 'pg';
import type { MemberRole, MemberStatus } from '@vanguard/contracts';
import {
  LEADER_ROLES,
  type LeaderStanding,
  type RosterCaller,
  type RosterLeader,
  type RosterMember,
  type RosterPort,
} from '../../application/ports/roster.port';

type ContactPoints = { contactPointId: string; leaderId: string }[];

/** The ROSTER port over evaluation's projection of the organization state topics. */
export class PgRoster implements RosterPort {
  constructor(private readonly pool: Pool) {}

  async member(memberId: string): Promise<RosterMember | null> {
    if (!isUuid(memberId)) return null;
    const { rows } = await this.pool.query<{ id: string; org_id: string; status: MemberStatus; membership: string; roles: MemberRole[] }>(
      `select id, org_id, status, membership, roles from roster_members where id = $1`,
      [memberId],
    );
    const r = rows[0];
    return r ? { id: r.id, orgId: r.org_id, status: r.status, active: r.membership === 'active', roles: r.roles } : null;
  }

  async isActiveMemberOf(memberId: string, orgId: string): Promise<boolean> {
    const m = await this.member(memberId);
    return !!m && m.active && m.orgId === orgId;
  }

  async leadersOf(orgId: string): Promise<readonly RosterLeader[]> {
    if (!isUuid(orgId)) return [];
    const { rows } = await this.pool.query<{ id: string; roles: MemberRole[] }>(
      `select id, roles from roster_members where org_id = $1 and membership = 'active' and roles && $2::text[] order by id`,
      [orgId, LEADER_ROLES],
    );
    const committee: RosterLeader[] = rows.map((r) => ({ as: 'committee', memberId: r.id, roles: r.roles }));
    const points: RosterLeader[] = (await this.contactPoints(orgId)).map((cp) => ({
      as: 'contact_point',
      leaderId: cp.leaderId,
      contactPointId: cp.contactPointId,
    }));
    return [...committee, ...points];
  }

  async leaderStanding(caller: RosterCaller, orgId: string): Promise<LeaderStanding | null> {
    if (!isUuid(orgId)) return null;
    const point = (await this.contactPoints(orgId)).find((cp) => cp.leaderId === caller.sub || cp.leaderId === caller.memberId);
    if (point) return { as: 'contact_point_leader', contactPointId: point.contactPointId };
    if (!caller.memberId || !isUuid(caller.memberId)) return null;
    // A leader of a strict ancestor: the member's organisation is on the path above orgId.
    const { rows } = await this.pool.query<{ org_id: string }>(
      `select m.org_id from roster_members m join roster_organizations o on o.id = $2
        where m.id = $1 and m.membership = 'active' and m.roles && $3::text[]
          and m.org_id = any(o.path) and m.org_id <> o.id`,
      [caller.memberId, orgId, LEADER_ROLES],
    );
    return rows[0] ? { as: 'ancestor_leader', viaOrgId: rows[0].org_id, memberId: caller.memberId } : null;
  }

  async activeMemberIdsOf(orgId: string): Promise<readonly string[]> {
    if (!isUuid(orgId)) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      `select id from roster_members where org_id = $1 and membership = 'active' order by id`,
      [orgId],
    );
    return rows.map((r) => r.id);
  }

  private async contactPoints(orgId: string): Promise<ContactPoints> {
    const { rows } = await this.pool.query<{ contact_points: ContactPoints }>(
      `select contact_points from roster_organizations where id = $1`,
      [orgId],
    );
    return rows[0]?.contact_points ?? [];
  }
}

const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
