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

type OrgRow = {
  id: string;
  parent_id: string | null;
  path: string[];
  code: string;
  name: string;
  level: string;
  sector: string;
  status: string;
  version: number;
};
type MemberRow = { id: string; org_id: string; membership: string; roles: string[]; version: number };

/**
 * Applies the organization service's state records (ADR 0029) to `roster_organizations` /
 * `roster_members`, as evaluation's roster does: a row moves only to a higher version, so
 * redeliveries and replays change nothing; only records signed by the organization service
 * (ADR 0010) count, since scope is read from here; a tombstone deletes the row only when it carries
 * the organization service's signed removal of its key (ADR 0130), newer than the row, and the
 * removal's version is kept (`roster_removals`), so an older state replayed does not bring it back.
 */
export class RosterProjection {
  constructor(
    private readonly pool: Pool,
    private readonly verifier: OrgEventVerifier,
  ) {}

  async apply(records: readonly StateRecordIn[]): Promise<{ applied: number; refused: number }> {
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
        const d = valid.envelope.data as {
          orgId: string;
          parentId: string | null;
          path: string[];
          code: string;
          name: string;
          level: string;
          sector: string;
          status: string;
        };
        batch.holdOrganization({
          id: d.orgId,
          parent_id: d.parentId,
          path: d.path,
          code: d.code,
          name: d.name,
          level: d.level,
          sector: d.sector,
          status: d.status,
          version,
        });
      } else if (envelope.type === MemberState.type) {
        const d = valid.envelope.data as { memberId: string; orgId: string; membership: string; roles: string[] };
        batch.holdMember({ id: d.memberId, org_id: d.orgId, membership: d.membership, roles: d.roles, version });
      } else refused++;
    }
    const { organizations: orgs, members, removed } = batch;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      if (removed.size) await applyRosterRemovals(client, [...removed.values()]);
      if (orgs.size) await upsertOrganizations(client, [...orgs.values()]);
      if (members.size)
        await client.query(
          `insert into roster_members (id, org_id, membership, roles, version)
           select id, org_id, membership, roles, version from jsonb_to_recordset($1::jsonb)
             as r(id uuid, org_id uuid, membership text, roles text[], version bigint)
           where ${notRemovedSql('member')}
           on conflict (id) do update set org_id = excluded.org_id, membership = excluded.membership, roles = excluded.roles,
             version = excluded.version
           where roster_members.version < excluded.version`,
          [JSON.stringify([...members.values()].map((x) => ({ ...x, roles: `{${x.roles.join(',')}}` })))],
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

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Newer versions win; the demo seed and tests bootstrap rows at version 0 through the same statement. */
export async function upsertOrganizations(db: Queryable, rows: readonly OrgRow[]): Promise<void> {
  await db.query(
    `insert into roster_organizations (id, parent_id, path, code, name, level, sector, status, version)
     select id, parent_id, path, code, name, level, sector, status, version from jsonb_to_recordset($1::jsonb)
       as r(id uuid, parent_id uuid, path uuid[], code text, name text, level text, sector text, status text, version bigint)
     where ${notRemovedSql('organization')}
     on conflict (id) do update set parent_id = excluded.parent_id, path = excluded.path, code = excluded.code, name = excluded.name,
       level = excluded.level, sector = excluded.sector, status = excluded.status, version = excluded.version
     where roster_organizations.version < excluded.version`,
    [JSON.stringify(rows.map((o) => ({ ...o, path: `{${o.path.join(',')}}` })))],
  );
}

export type { OrgRow as RosterOrganizationRow };

function parse(value: string): EventEnvelope | undefined {
  try {
    return JSON.parse(value) as EventEnvelope;
  } catch {
    return undefined;
  }
}
