import type { Pool } from 'pg';
import type { OrgEventVerifier } from '@vanguard/auth';
import { MemberState, OrganizationState, publicContracts, stateRemovalClaim, type EventEnvelope } from '@vanguard/contracts';

/** One record of a state topic as Kafka hands it over (value null: a tombstone). */
export interface StateRecordIn {
  readonly key: string | null;
  readonly value: string | null;
  /** A tombstone's `vg-state-removal` header as text (STATE_REMOVAL_HEADER): the signed removal it carries. */
  readonly removal?: string;
}

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
type Removal = { kind: 'organization' | 'member'; id: string; version: number };

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
    const orgs = new Map<string, OrgRow>();
    const members = new Map<string, MemberRow>();
    const removed = new Map<string, Removal>();
    let refused = 0;
    for (const r of records) {
      const m = /^(organization|member)-([0-9a-f-]{36})$/.exec(r.key ?? '');
      if (!m) {
        refused++;
        continue;
      }
      const kind = m[1] as 'organization' | 'member';
      const id = m[2]!;
      if (r.value === null) {
        // A bare null value is anybody's to send: only the organization service's signed removal of this key counts.
        const claim = stateRemovalClaim(r.key, r.removal);
        if (!claim.ok || !this.verifier.verify(claim.envelope).ok) {
          refused++;
          continue;
        }
        const held = kind === 'organization' ? orgs : members;
        if ((removed.get(m[0])?.version ?? -1) < claim.version && (held.get(id)?.version ?? -1) < claim.version) {
          removed.set(m[0], { kind, id, version: claim.version });
          held.delete(id);
        }
        continue;
      }
      const envelope = parse(r.value);
      const valid = envelope && publicContracts.validate(envelope);
      if (!envelope || !valid || !valid.ok || !this.verifier.verify(envelope).ok) {
        refused++;
        continue;
      }
      const version = envelope.streamVersion;
      const newerThanRemoval = (key: string) => version > (removed.get(key)?.version ?? -1);
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
        if ((orgs.get(d.orgId)?.version ?? -1) < version && newerThanRemoval(`organization-${d.orgId}`))
          orgs.set(d.orgId, {
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
        if ((members.get(d.memberId)?.version ?? -1) < version && newerThanRemoval(`member-${d.memberId}`))
          members.set(d.memberId, { id: d.memberId, org_id: d.orgId, membership: d.membership, roles: d.roles, version });
      } else refused++;
    }
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      if (removed.size) await applyRemovals(client, [...removed.values()]);
      if (orgs.size) await upsertOrganizations(client, [...orgs.values()]);
      if (members.size)
        await client.query(
          `insert into roster_members (id, org_id, membership, roles, version)
           select id, org_id, membership, roles, version from jsonb_to_recordset($1::jsonb)
             as r(id uuid, org_id uuid, membership text, roles text[], version bigint)
           where ${NOT_REMOVED('member')}
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
     where ${NOT_REMOVED('organization')}
     on conflict (id) do update set parent_id = excluded.parent_id, path = excluded.path, code = excluded.code, name = excluded.name,
       level = excluded.level, sector = excluded.sector, status = excluded.status, version = excluded.version
     where roster_organizations.version < excluded.version`,
    [JSON.stringify(rows.map((o) => ({ ...o, path: `{${o.path.join(',')}}` })))],
  );
}

/** A state row `r` no removal of the same key at its version or above has removed. */
const NOT_REMOVED = (kind: 'organization' | 'member') =>
  `not exists (select 1 from roster_removals x where x.kind = '${kind}' and x.id = r.id and x.version >= r.version)`;

/**
 * Verified removals: each key's removal version kept (the highest), and its row deleted where older
 * than the removal — a row a newer state re-created (the same id inserted again) stays.
 */
async function applyRemovals(db: Queryable, removals: readonly Removal[]): Promise<void> {
  const rows = JSON.stringify(removals);
  await db.query(
    `insert into roster_removals (kind, id, version)
     select kind, id, version from jsonb_to_recordset($1::jsonb) as r(kind text, id uuid, version bigint)
     on conflict (kind, id) do update set version = excluded.version where roster_removals.version < excluded.version`,
    [rows],
  );
  for (const [kind, table] of [
    ['organization', 'roster_organizations'],
    ['member', 'roster_members'],
  ] as const)
    await db.query(
      `delete from ${table} t using jsonb_to_recordset($1::jsonb) as r(kind text, id uuid, version bigint)
        where r.kind = $2 and t.id = r.id and t.version < r.version`,
      [rows, kind],
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
