import type { CountyMemberLinkedEvent } from '@vanguard/contracts';
import { InfrastructureUnavailable } from '@vanguard/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { refused, type CountyOutcome } from './county-inbound.port';

interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * `county_member_links`: a service's copy of the organization service's mapping from a county
 * system's own member ids to platform members (organization.CountyMemberLinked), which every
 * county translation reads. A link is replaced by a later event of its organization stream; a
 * redelivered or late older one changes nothing. A member has one current link: a county that
 * took him over after a transfer (ADR 0048) links its own id, and that later event of his stream
 * marks the other county's link taken over (`taken_over_by`, the county that took him): its id no
 * longer translates to him here, and is answered COUNTY.MEMBER_TAKEN_OVER rather than unknown. Each
 * service creates the table in its own migration (county_client_id, county_member_id, member_id,
 * org_id, linked_at, source_stream, source_version; key (county_client_id, county_member_id)) and
 * adds the column with `countyMemberLinksTakeOverMigration`.
 */
export async function applyCountyMemberLink(db: Sql, event: CountyMemberLinkedEvent): Promise<void> {
  const d = event.data;
  // Links of one member all come from his stream (member-<id>), so their versions order them.
  await db.query(
    `update county_member_links set taken_over_by = $4::text
      where member_id = $1::uuid and source_stream = $2::text and source_version < $3::bigint
        and (county_client_id, county_member_id) <> ($4::text, $5::uuid) and taken_over_by is null`,
    [d.memberId, event.streamId, event.streamVersion, d.countyClientId, d.countyMemberId],
  );
  await db.query(
    `insert into county_member_links (county_client_id, county_member_id, member_id, org_id, linked_at, source_stream, source_version)
     select $1::text, $2::uuid, $3::uuid, $4::uuid, $5::timestamptz, $6::text, $7::bigint
      where not exists (select 1 from county_member_links n where n.member_id = $3::uuid and n.source_stream = $6::text and n.source_version > $7::bigint)
     on conflict (county_client_id, county_member_id) do update
       set member_id = excluded.member_id, org_id = excluded.org_id, linked_at = excluded.linked_at,
           source_stream = excluded.source_stream, source_version = excluded.source_version, taken_over_by = null
     where county_member_links.source_stream <> excluded.source_stream
        or county_member_links.source_version < excluded.source_version`,
    [d.countyClientId, d.countyMemberId, d.memberId, d.orgId, event.occurredAt, event.streamId, event.streamVersion],
  );
}

/** A county's member ids as this service knows them: linked to a platform member now, or taken over by another county. */
export interface CountyMemberIds {
  /** Platform member id by county member id, for the current links. */
  readonly linked: ReadonlyMap<string, string>;
  /** The county that took the member over, by the county member id whose link it ended. */
  readonly takenOver: ReadonlyMap<string, string>;
}

/** Reads the links of a county's member ids in one statement; ids never linked are in neither map. */
export async function countyMemberIds(db: Sql, countyClientId: string, countyMemberIds: readonly string[]): Promise<CountyMemberIds> {
  const res = (await db.query(
    // A member taken over twice (A → B → C): A's link names B, who no longer holds him either;
    // the county holding him now is the one with his current link (B's name until C's arrives).
    `select l.county_member_id, l.member_id,
            case when l.taken_over_by is null then null
                 else coalesce((select c.county_client_id from county_member_links c
                                 where c.member_id = l.member_id and c.taken_over_by is null limit 1), l.taken_over_by) end as taken_over_by
       from county_member_links l
      where l.county_client_id = $1 and l.county_member_id = any($2::uuid[])`,
    [countyClientId, countyMemberIds],
  )) as { rows?: LinkRow[] } | LinkRow[];
  // pg answers { rows }, a TypeORM EntityManager the rows themselves.
  const rows = Array.isArray(res) ? res : (res.rows ?? []);
  return {
    linked: new Map(rows.filter((r) => r.taken_over_by === null).map((r) => [r.county_member_id, r.member_id])),
    takenOver: new Map(rows.filter((r) => r.taken_over_by !== null).map((r) => [r.county_member_id, r.taken_over_by as string])),
  };
}

type LinkRow = { county_member_id: string; member_id: string; taken_over_by: string | null };

/** The platform member ids of a county's member ids, as far as they are linked now (others are absent). */
export async function linkedPlatformMembers(db: Sql, countyClientId: string, ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
  return (await countyMemberIds(db, countyClientId, ids)).linked;
}

/** The old county's id of a member another county took over (ADR 0048): never read as a new person. */
export const memberTakenOver = (by: string): CountyOutcome =>
  refused(
    'COUNTY.MEMBER_TAKEN_OVER',
    `该党员已转出，由 ${by} 接续管理 / the member was transferred and ${by} has taken him over: remove him from your roster`,
  );

/** A county id nobody linked: the county must sync its roster first. */
export const memberUnknown = (countyMemberId: string): CountyOutcome =>
  refused(
    'COUNTY.MEMBER_UNKNOWN',
    `县级系统的党员编号 ${countyMemberId} 尚未同步花名册 / county member ${countyMemberId} is unknown: sync the roster first`,
  );

/**
 * Why a county member id does not translate, in one place for every service: a link ended by a
 * take-over is answered COUNTY.MEMBER_TAKEN_OVER (naming the county that took him), any other
 * COUNTY.MEMBER_UNKNOWN.
 */
export function unlinkedMember(ids: CountyMemberIds, countyMemberId: string): CountyOutcome {
  const by = ids.takenOver.get(countyMemberId);
  return by === undefined ? memberUnknown(countyMemberId) : memberTakenOver(by);
}

/** How far a service has read the organization's links (GroupReadThrough of its links consumer). */
export interface LinksReadThrough {
  readThrough(): Promise<Date>;
}

/**
 * How long after a message arrived a link the organization publishes for it still counts: its
 * roster sync applied, the link relayed and read here (ADR 0159). A sync answered applied is
 * relayed with its link from one outbox batch, well inside this.
 */
export const LINK_GRACE_MS = 5_000;

/**
 * Before a county member id that does not translate is answered COUNTY.MEMBER_UNKNOWN: every link
 * the organization published up to `graceMs` after the message arrived must have been read here.
 * Until then `awaitLinks` throws InfrastructureUnavailable, no verdict on anything: the gate rolls
 * the chunk back and runs it again after a backoff, so a tally sent right behind the roster sync
 * of its member, or while this service catches up after a restart, is applied rather than refused
 * for good. The caller reads the links again once it passes: one may have come in meanwhile.
 * `progress` is set by the service's links consumer; unset, it reads no links of its own and
 * nothing is on its way to wait for.
 */
export class LinksArrival {
  progress: LinksReadThrough | undefined;

  constructor(private readonly graceMs = LINK_GRACE_MS) {}

  async awaitLinks(receivedAt: readonly Date[]): Promise<void> {
    if (!this.progress || receivedAt.length === 0) return;
    const needed = Math.max(...receivedAt.map((d) => d.getTime())) + this.graceMs;
    const through = await this.progress.readThrough();
    if (through.getTime() >= needed) return;
    // Tried again within a second, not at the consumer's backoff (up to 10 s): each try notes the
    // ends a later one finds reached, and the partition waits for every county on it meanwhile.
    throw new InfrastructureUnavailable(
      `county member links read through ${through.toISOString()}, not yet ${new Date(needed).toISOString()}: an unknown county member id waits for them`,
      { retryAfterMs: Math.min(1_000, Math.max(250, needed - Date.now())) },
    );
  }
}

/** Adds `taken_over_by` to a service's county_member_links (created by its own migration before this one). */
export function countyMemberLinksTakeOverMigration(timestamp: number): new () => MigrationInterface {
  const name = `VanguardCountyMemberLinksTakeOver${timestamp}`;
  return class CountyMemberLinksTakeOverMigration implements MigrationInterface {
    readonly name = name;
    async up(q: QueryRunner): Promise<void> {
      await q.query(`alter table county_member_links add column if not exists taken_over_by text`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`delete from county_member_links where taken_over_by is not null`);
      await q.query(`alter table county_member_links drop column if exists taken_over_by`);
    }
  };
}
