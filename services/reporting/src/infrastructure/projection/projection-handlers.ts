import type { Pool, PoolClient } from 'pg';
import { MemberState, OrganizationState, type ContractEvent, type EventEnvelope } from '@vanguard/contracts';
import { handle, type EventHandler, type Tombstone } from '@vanguard/messaging';
import { EXTRACTED_TYPES, factsOf } from '../../domain/facts-of-event';

/** The channel ScopeService listens on for `rpt_org` (libs/auth orgTreeChannelSql with table rpt_org). */
export const RPT_ORG_TABLE = 'rpt_org';

/** The tables the projection writes: the live ones, or a rebuild's shadows (`<table>__rebuild`). */
export interface ReportingTables {
  readonly org: string;
  readonly member: string;
  readonly fact: string;
}
export const LIVE_TABLES: ReportingTables = { org: RPT_ORG_TABLE, member: 'rpt_member', fact: 'rpt_fact' };
export const SHADOW_TABLES: ReportingTables = { org: 'rpt_org__rebuild', member: 'rpt_member__rebuild', fact: 'rpt_fact__rebuild' };

/** Every handler of the reporting consumer, by event type, writing to `t`. */
export function reportingHandlersFor(t: ReportingTables): Readonly<Record<string, EventHandler<PoolClient>>> {
  const orgState = handle<typeof OrganizationState, PoolClient>(
    OrganizationState,
    async (e: ContractEvent<typeof OrganizationState>, { tx }) => {
      const d = e.data;
      const r = await tx.query(
        `insert into ${t.org} (id, parent_id, path, code, name, level, status, merged_into_id, contact_points, version, event_id, occurred_at)
     values ($1, $2, $3::uuid[], $4, $5, $6, $7, $8, $9, $10, $11, $12)
     on conflict (id) do update set parent_id = excluded.parent_id, path = excluded.path, code = excluded.code, name = excluded.name,
       level = excluded.level, status = excluded.status, merged_into_id = excluded.merged_into_id,
       contact_points = excluded.contact_points, version = excluded.version, event_id = excluded.event_id, occurred_at = excluded.occurred_at
     where ${t.org}.version < excluded.version`,
        [
          d.orgId,
          d.parentId,
          d.path,
          d.code,
          d.name,
          d.level,
          d.status,
          d.mergedIntoId,
          d.contactPoints.length,
          e.streamVersion,
          e.eventId,
          e.occurredAt,
        ],
      );
      // ScopeService on every replica rereads the row once this commits (NOTIFY is delivered on commit).
      if (r.rowCount && t.org === RPT_ORG_TABLE) await tx.query(`select pg_notify(current_schema() || '_${RPT_ORG_TABLE}', $1)`, [d.orgId]);
    },
  );

  const memberState = handle<typeof MemberState, PoolClient>(MemberState, async (e: ContractEvent<typeof MemberState>, { tx }) => {
    await tx.query(
      `insert into ${t.member} (member_id, org_id, membership, version, event_id, occurred_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (member_id) do update set org_id = excluded.org_id, membership = excluded.membership, version = excluded.version,
       event_id = excluded.event_id, occurred_at = excluded.occurred_at
     where ${t.member}.version < excluded.version`,
      [e.data.memberId, e.data.orgId, e.data.membership, e.streamVersion, e.eventId, e.occurredAt],
    );
  });

  /** One counted event → its fact rows; the primary key (event, figure) makes a second delivery a no-op even past the inbox. */
  const recordFacts: EventHandler<PoolClient> = async (e: EventEnvelope, { tx }) => {
    const facts = factsOf(e);
    if (facts.length === 0) return;
    const rows = facts.map((f) => [e.eventId, f.figure, e.type, e.streamId, f.orgId, f.day, e.occurredAt, f.amount, f.weight]);
    await tx.query(
      `insert into ${t.fact} (event_id, figure, event_type, stream_id, org_id, day, occurred_at, amount, weight)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::date[], $7::timestamptz[], $8::bigint[], $9::bigint[])
     on conflict do nothing`,
      [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => rows.map((r) => r[i])),
    );
  };

  return {
    ...orgState,
    ...memberState,
    ...Object.fromEntries(EXTRACTED_TYPES.map((type) => [type, recordFacts])),
  };
}

/** The live consumer's handlers. */
export const reportingHandlers = reportingHandlersFor(LIVE_TABLES);

/**
 * A tombstone on a state topic (ADR 0029: only for a row truly deleted) removes the projected
 * row, so a purged member or organisation stops counting. Keyed `organization-<id>` /
 * `member-<id>`; a delete by key is idempotent, so a redelivered tombstone changes nothing.
 * Returns what it deleted (unknown keys: nothing).
 */
export async function applyTombstone(
  pool: Pool,
  t: Pick<Tombstone, 'key'>,
  tables: ReportingTables = LIVE_TABLES,
): Promise<'organization' | 'member' | undefined> {
  const m = /^(organization|member)-([0-9a-fA-F-]{36})$/.exec(t.key ?? '');
  if (!m) return undefined;
  const [, kind, id] = m;
  if (kind === 'member') {
    await pool.query(`delete from ${tables.member} where member_id = $1`, [id]);
    return 'member';
  }
  const client = await pool.connect();
  try {
    await client.query('begin');
    const r = await client.query(`delete from ${tables.org} where id = $1`, [id]);
    // ScopeService rereads the id on every replica and finds it gone.
    if (r.rowCount && tables.org === RPT_ORG_TABLE)
      await client.query(`select pg_notify(current_schema() || '_${RPT_ORG_TABLE}', $1)`, [id]);
    await client.query('commit');
  } catch (e) {
    await client.query('rollback');
    throw e;
  } finally {
    client.release();
  }
  return 'organization';
}
