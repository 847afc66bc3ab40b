import type { CountyMemberLinkedEvent } from '@vanguard/contracts';

interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * `county_member_links`: a service's copy of the organization service's mapping from a county
 * system's own member ids to platform members (organization.CountyMemberLinked), which every
 * county translation reads. A link is replaced by a later event of its organization stream; a
 * redelivered or late older one changes nothing. Each service creates the table in its own
 * migration (county_client_id, county_member_id, member_id, org_id, linked_at, source_stream,
 * source_version; key (county_client_id, county_member_id)).
 */
export async function applyCountyMemberLink(db: Sql, event: CountyMemberLinkedEvent): Promise<void> {
  const d = event.data;
  await db.query(
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

/** The platform member ids of a county's member ids, as far as they are linked (unlinked ones are absent). */
export async function linkedPlatformMembers(
  db: Sql,
  countyClientId: string,
  countyMemberIds: readonly string[],
): Promise<ReadonlyMap<string, string>> {
  const res = (await db.query(
    `select county_member_id, member_id from county_member_links where county_client_id = $1 and county_member_id = any($2::uuid[])`,
    [countyClientId, countyMemberIds],
  )) as { rows?: { county_member_id: string; member_id: string }[] } | { county_member_id: string; member_id: string }[];
  // pg answers { rows }, a TypeORM EntityManager the rows themselves.
  const rows = Array.isArray(res) ? res : (res.rows ?? []);
  return new Map(rows.map((r) => [r.county_member_id, r.member_id]));
}
