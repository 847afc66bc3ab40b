import type { PoolClient } from 'pg';
import type { MemberState, OrganizationState } from '@vanguard/contracts';
import type { z } from 'zod';

export interface NotedChange {
  readonly seq: string;
  readonly kind: 'organization' | 'member';
  readonly entityId: string;
}

/** What a state record carries; `version` comes from `roster_state_version_seq` at the read. */
export type ReadState<T> = { readonly id: string; readonly version: number; readonly data: T };
export type OrganizationStateData = z.output<(typeof OrganizationState)['schema']>;
export type MemberStateData = z.output<(typeof MemberState)['schema']>;

/** The oldest notes first; a note committed late with a low seq is still read (notes are deleted, not passed). */
export async function readNotes(c: PoolClient, limit: number): Promise<NotedChange[]> {
  const { rows } = await c.query<{ seq: string; kind: 'organization' | 'member'; entity_id: string }>(
    `select seq, kind, entity_id from roster_state_changes order by seq limit $1`,
    [limit],
  );
  return rows.map((r) => ({ seq: r.seq, kind: r.kind, entityId: r.entity_id }));
}

export async function deleteNotes(c: PoolClient, seqs: readonly string[]): Promise<void> {
  if (seqs.length) await c.query(`delete from roster_state_changes where seq = any($1::bigint[])`, [seqs]);
}

/**
 * Current states, each numbered by the version sequence inside the statement that reads it:
 * a statement that starts later sees at least as much and draws higher numbers, so for one
 * key a higher version never carries an older state. Only personal-data-free columns are read.
 */
export async function readOrganizationStates(c: PoolClient, ids: readonly string[]): Promise<ReadState<OrganizationStateData>[]> {
  if (!ids.length) return [];
  const { rows } = await c.query<{
    id: string;
    parent_id: string | null;
    path: string;
    code: string;
    name: string;
    level: OrganizationStateData['level'];
    kind: OrganizationStateData['kind'];
    sector: OrganizationStateData['sector'];
    status: OrganizationStateData['status'];
    merged_into_id: string | null;
    contact_points: { contactPointId: string; leaderId: string }[];
    version: string;
  }>(
    `select o.id, o.parent_id, o.path, o.code, o.name, o.level, o.kind, o.sector, o.status, o.merged_into_id,
            coalesce((select json_agg(json_build_object('contactPointId', cp.id, 'leaderId', cp.leader_id) order by cp.id)
                        from contact_points cp where cp.org_id = o.id), '[]'::json) as contact_points,
            nextval('roster_state_version_seq') as version
       from organizations o where o.id = any($1::uuid[])`,
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    version: Number(r.version),
    data: {
      orgId: r.id,
      parentId: r.parent_id,
      path: r.path.split('/').filter(Boolean),
      code: r.code,
      name: r.name,
      level: r.level,
      kind: r.kind,
      sector: r.sector,
      status: r.status,
      mergedIntoId: r.merged_into_id,
      contactPoints: r.contact_points,
    },
  }));
}

export async function readMemberStates(c: PoolClient, ids: readonly string[]): Promise<ReadState<MemberStateData>[]> {
  if (!ids.length) return [];
  const { rows } = await c.query<{
    id: string;
    org_id: string;
    status: MemberStateData['status'];
    membership: MemberStateData['membership'];
    roles: MemberStateData['roles'];
    posts: MemberStateData['posts'];
    version: string;
  }>(
    `select id, org_id, status, membership, roles, posts, nextval('roster_state_version_seq') as version
       from members where id = any($1::uuid[])`,
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    version: Number(r.version),
    data: { memberId: r.id, orgId: r.org_id, status: r.status, membership: r.membership, roles: r.roles, posts: r.posts },
  }));
}
