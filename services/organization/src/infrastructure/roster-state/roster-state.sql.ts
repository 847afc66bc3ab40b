import type { MemberState, OrganizationState } from '@vanguard/contracts';
import type { z } from 'zod';
import { namedStatement } from '@vanguard/messaging';

export type OrganizationStateData = z.output<(typeof OrganizationState)['schema']>;
export type MemberStateData = z.output<(typeof MemberState)['schema']>;

/** One noted row's current state; `version` comes from `roster_state_version_seq` at the read. */
export type NotedState =
  | { readonly kind: 'organization'; readonly id: string; readonly version: number; readonly data: OrganizationStateData }
  | { readonly kind: 'member'; readonly id: string; readonly version: number; readonly data: MemberStateData }
  /** Noted, but the row is gone (truly deleted): a tombstone carrying a signed removal at `version` (ADR 0130). */
  | { readonly kind: 'organization' | 'member'; readonly id: string; readonly version: number; readonly data: null };

export interface NotedBatch {
  /** Every note read, to delete once the states are sent. */
  readonly seqs: readonly string[];
  /** One per noted row, however often it was noted. */
  readonly states: readonly NotedState[];
}

/**
 * The oldest notes and their rows' current states, in one statement (one round trip instead of
 * three), leaving out the notes of the batch still being sent (`$2`, so the next batch can be read
 * and signed meanwhile). Reading from the oldest every time, a note committed late with a low seq
 * is still read: notes are deleted, not passed. Rows are looked up by primary key per note
 * (lateral), never by a scan of members: the `limit 1` keeps each lateral a subquery the planner
 * cannot flatten — flattened, it hash-joined a batch against a scan of every member (14 ms for
 * 326 notes at 13,378 members, growing with the roster). Each state is numbered by the version sequence inside
 * this statement: a statement that starts later sees at least as much and draws higher numbers, so
 * for one key a higher version never carries an older state (ADR 0029). A row that is gone is numbered
 * too: its removal is signed at that version, above every state of it published before (ADR 0130).
 * Only personal-data-free columns are read.
 */
export const READ_NOTED_SQL = `
  with notes as materialized (
    select seq, kind, entity_id from roster_state_changes
     where seq not in (select unnest($2::bigint[]))
     order by seq limit $1
  ), noted as (
    select kind, entity_id, array_agg(seq) as seqs, min(seq) as first from notes group by kind, entity_id
  )
  select n.kind, n.entity_id as id, n.seqs,
         o.parent_id, o.path, o.code, o.name, o.level, o.org_kind, o.sector, o.org_status, o.merged_into_id, o.contact_points,
         m.org_id, m.member_status, m.membership, m.roles, m.posts,
         o.id is not null or m.id is not null as present, nextval('roster_state_version_seq') as version
    from noted n
    left join lateral (
      select o.id, o.parent_id, o.path, o.code, o.name, o.level, o.kind as org_kind, o.sector, o.status as org_status, o.merged_into_id,
             coalesce((select json_agg(json_build_object('contactPointId', cp.id, 'leaderId', cp.leader_id) order by cp.id)
                         from contact_points cp where cp.org_id = o.id), '[]'::json) as contact_points
        from organizations o where n.kind = 'organization' and o.id = n.entity_id limit 1) o on true
    left join lateral (
      select m.id, m.org_id, m.status as member_status, m.membership, m.roles, m.posts
        from members m where n.kind = 'member' and m.id = n.entity_id limit 1) m on true
   order by n.first`;

export interface NotedRow {
  kind: 'organization' | 'member';
  id: string;
  seqs: string[];
  parent_id: string | null;
  path: string | null;
  code: string | null;
  name: string | null;
  level: OrganizationStateData['level'] | null;
  org_kind: OrganizationStateData['kind'] | null;
  sector: OrganizationStateData['sector'] | null;
  org_status: OrganizationStateData['status'] | null;
  merged_into_id: string | null;
  contact_points: { contactPointId: string; leaderId: string }[] | null;
  org_id: string | null;
  member_status: MemberStateData['status'] | null;
  membership: MemberStateData['membership'] | null;
  roles: MemberStateData['roles'] | null;
  posts: MemberStateData['posts'] | null;
  /** False: the row is gone (truly deleted). */
  present: boolean;
  version: string;
}

export function notedBatch(rows: readonly NotedRow[]): NotedBatch {
  return { seqs: rows.flatMap((r) => r.seqs), states: rows.map(notedState) };
}

function notedState(r: NotedRow): NotedState {
  const version = Number(r.version);
  if (!r.present) return { kind: r.kind, id: r.id, version, data: null };
  if (r.kind === 'organization')
    return {
      kind: 'organization',
      id: r.id,
      version,
      data: {
        orgId: r.id,
        parentId: r.parent_id,
        path: r.path!.split('/').filter(Boolean),
        code: r.code!,
        name: r.name!,
        level: r.level!,
        kind: r.org_kind!,
        sector: r.sector!,
        status: r.org_status!,
        mergedIntoId: r.merged_into_id,
        contactPoints: r.contact_points!,
      },
    };
  return {
    kind: 'member',
    id: r.id,
    version,
    data: { memberId: r.id, orgId: r.org_id!, status: r.member_status!, membership: r.membership!, roles: r.roles!, posts: r.posts! },
  };
}

/** The notes just sent. */
export const DELETE_NOTES_SQL = `delete from roster_state_changes where seq = any($1::bigint[])`;

/**
 * Both run at every batch on the lease's session: prepared there once, not planned per batch
 * (planning the read cost about 3 ms, as much as running it).
 */
export const READ_NOTED = namedStatement('organization_roster_state_read', READ_NOTED_SQL);
export const DELETE_NOTES = namedStatement('organization_roster_state_delete', DELETE_NOTES_SQL);
