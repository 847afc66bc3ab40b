import type { CountyMemberLinkedEvent } from '@vanguard/contracts';

/**
 * `county_member_links`: assistance's copy of the organization service's mapping from a county
 * system's member ids to platform members (organization.CountyMemberLinked), read by the county
 * visit translation. A later organization event for the link replaces it; an older one does not.
 */
export async function applyCountyMemberLink(
  tx: { query(sql: string, params?: unknown[]): Promise<unknown> },
  event: CountyMemberLinkedEvent,
): Promise<void> {
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
