import type { CountyMemberLinkedEvent } from '@vanguard/contracts';

interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * `county_member_links`: a service's copy of the organization service's mapping from a county
 * system's own member ids to platform members (organization.CountyMemberLinked), which every
 * county translation reads. A link is replaced by a later event of its organization stream; a
 * redelivered or late older one changes nothing. A member has one current link: a county that
 * took him over after a transfer (ADR 0048) links its own id, and that later event of his stream
 * removes the other county's link, so its id no longer translates to him here. Each service creates the table in its own
 * migration (county_client_id, county_member_id, member_id, org_id, linked_at, source_stream,
 * source_version; key (county_client_id, county_member_id)).
 */
export async function applyCountyMemberLink(db: Sql, event: CountyMemberLinkedEvent): Promise<void> {
  const d = event.data;
  // Links of one member all come from his stream (member-<id>), so their versions order them.
  await db.query(
    `delete from county_member_links
      where member_id = $1::uuid and source_stream = $2::text and source_version < $3::bigint
        and (county_client_id, county_member_id) <> ($4::text, $5::uuid)`,
    [d.memberId, event.streamId, event.streamVersion, d.countyClientId, d.countyMemberId],
  );
  await db.query(
    `insert into county_member_links (county_client_id, county_member_id, member_id, org_id, linked_at, source_stream, source_version)
     select $1::text, $2::uuid, $3::uuid, $4::uuid, $5::timestamptz, $6::text, $7::bigint
      where not exists (select 1 from county_member_links n where n.member_id = $3::uuid and n.source_stream = $6::text and n.source_version > $7::bigint)
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
