import type { Pool } from 'pg';
import type { OrgEventVerifier } from '@vanguard/auth';
import { MemberState, OrganizationState, publicContracts, type EventEnvelope } from '@vanguard/contracts';
import {
  applyRosterRemovals,
  notRemovedSql,
  rosterKeyOf,
  signedRemovalVersion,
  RosterBatch,
  type StateRecordIn,
} from '@vanguard/messaging';

export interface ApplyResult {
  readonly applied: number;
  /** Not applied: unsigned, badly signed, not contract-valid, not JSON; a tombstone without a removal the organization service signed. */
  readonly refused: number;
}

type OrgRow = { id: string; parent_id: string | null; path: string[]; status: string; contact_points: unknown; version: number };
type MemberRow = { id: string; org_id: string; status: string; membership: string; roles: string[]; posts: string[]; version: number };

/**
 * Applies state records to `roster_organizations` / `roster_members`: a row moves only to a
 * higher version, so applying the same records twice, or an older one after a newer, changes
 * nothing. Only records signed by the organization service (ADR 0010) are applied: leader
 * standing is read from here. A tombstone deletes the row only when it carries the organization
 * service's signed removal of its key (ADR 0130), newer than the row; the removal's version is kept in
 * `roster_removals`, so an older state replayed afterwards does not bring the row back.
 */
export class RosterProjection {
  constructor(
    private readonly pool: Pool,
    private readonly verifier: OrgEventVerifier,
  ) {}

  async apply(records: readonly StateRecordIn[]): Promise<ApplyResult> {
    const batch = new RosterBatch<OrgRow, MemberRow>();
    let refused = 0;
    for (const r of records) {
      const named = rosterKeyOf(r.key);
      if (!named) {
        refused++;
        continue;
      }
      const { kind, id } = named;
      if (r.value === null) {
        const version = signedRemovalVersion(r, (e) => this.verifier.verify(e).ok);
        if (version === undefined) {
          refused++;
          continue;
        }
        batch.remove({ kind, id, version });
        continue;
      }
      const envelope = parse(r.value);
      const valid = envelope && publicContracts.validate(envelope);
      if (!envelope || !valid || !valid.ok || !this.verifier.verify(envelope).ok) {
        refused++;
        continue;
      }
      const version = envelope.streamVersion;
      if (envelope.type === OrganizationState.type) {
        const d = valid.envelope.data as { orgId: string; parentId: string | null; path: string[]; status: string; contactPoints: unknown };
        batch.holdOrganization({
          id: d.orgId,
          parent_id: d.parentId,
          path: d.path,
          status: d.status,
          contact_points: d.contactPoints,
          version,
        });
      } else if (envelope.type === MemberState.type) {
        const d = valid.envelope.data as {
          memberId: string;
          orgId: string;
          status: string;
          membership: string;
          roles: string[];
          posts: string[];
        };
        batch.holdMember({
          id: d.memberId,
          org_id: d.orgId,
          status: d.status,
          membership: d.membership,
          roles: d.roles,
          posts: d.posts,
          version,
        });
      } else refused++;
    }
    const { organizations: orgs, members, removed } = batch;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      if (removed.size) await applyRosterRemovals(client, [...removed.values()]);
      if (orgs.size)
        await client.query(
          `insert into roster_organizations (id, parent_id, path, status, contact_points, version)
           select id, parent_id, path, status, contact_points, version from jsonb_to_recordset($1::jsonb)
             as r(id uuid, parent_id uuid, path uuid[], status text, contact_points jsonb, version bigint)
           where ${notRemovedSql('organization')}
           on conflict (id) do update set parent_id = excluded.parent_id, path = excluded.path, status = excluded.status,
             contact_points = excluded.contact_points, version = excluded.version
           where roster_organizations.version < excluded.version`,
          [JSON.stringify([...orgs.values()].map((o) => ({ ...o, path: `{${o.path.join(',')}}` })))],
        );
      if (members.size)
        await client.query(
          // The same version again fills the posts of a row applied before the roster kept them (posts null).
          `insert into roster_members (id, org_id, status, membership, roles, posts, version)
           select id, org_id, status, membership, roles, posts, version from jsonb_to_recordset($1::jsonb)
             as r(id uuid, org_id uuid, status text, membership text, roles text[], posts text[], version bigint)
           where ${notRemovedSql('member')}
           on conflict (id) do update set org_id = excluded.org_id, status = excluded.status, membership = excluded.membership,
             roles = excluded.roles, posts = excluded.posts, version = excluded.version
           where roster_members.version < excluded.version
              or (roster_members.version = excluded.version and roster_members.posts is null)`,
          [JSON.stringify([...members.values()].map((m) => ({ ...m, roles: `{${m.roles.join(',')}}`, posts: `{${m.posts.join(',')}}` })))],
        );
      await client.query('commit');
    } catch (e) {
      await client.query('rollback');
      throw e;
    } finally {
      client.release();
    }
    return { applied: orgs.size + members.size + removed.size, refused };
  }
}

function parse(value: string): EventEnvelope | undefined {
  try {
    return JSON.parse(value) as EventEnvelope;
  } catch {
    return undefined;
  }
}
