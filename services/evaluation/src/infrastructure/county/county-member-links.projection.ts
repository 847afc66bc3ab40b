import type { Pool } from 'pg';
import type { CountyMemberLinkedEvent } from '@vanguard/contracts';
import type { SqlExecutor } from '@vanguard/messaging';
import type { CountyMemberLinksPort } from '../../application/county/county-member-links.port';

/**
 * `county_member_links`: evaluation's copy of the organization service's mapping from a county
 * system's member ids to platform members (organization.CountyMemberLinked). A link is replaced
 * by a later one for the same county id (the organization stream's version decides), so a
 * redelivered or late older event changes nothing.
 */
export class PgCountyMemberLinks implements CountyMemberLinksPort {
  constructor(private readonly pool: Pool) {}

  async apply(tx: SqlExecutor, event: CountyMemberLinkedEvent): Promise<void> {
    const d = event.data;
    await tx.query(
      `insert into county_member_links (county_client_id, county_member_id, member_id, org_id, linked_at, source_stream, source_version)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (county_client_id, county_member_id) do update
         set member_id = excluded.member_id, org_id = excluded.org_id, linked_at = excluded.linked_at,
             source_stream = excluded.source_stream, source_version = excluded.source_version
       where county_member_links.source_stream <> excluded.source_stream
          or county_member_links.source_version < excluded.source_version`,
      [d.countyClientId, d.countyMemberId, d.memberId, d.orgId, event.occurredAt, event.streamId, event.streamVersion],
    );
  }

  async platformIds(countyClientId: string, countyMemberIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const { rows } = await this.pool.query<{ county_member_id: string; member_id: string }>(
      `select county_member_id, member_id from county_member_links where county_client_id = $1 and county_member_id = any($2::uuid[])`,
      [countyClientId, countyMemberIds],
    );
    return new Map(rows.map((r) => [r.county_member_id, r.member_id]));
  }
}
