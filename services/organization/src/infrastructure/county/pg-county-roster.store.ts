import type { EventEnvelope } from '@vanguard/contracts';
import type { Clock } from '../../application/ports/clock.port';
import type { EventContext } from '../../application/ports/outbox.port';
import {
  linkKey,
  type CountyMemberKey,
  type CountyRosterChanges,
  type CountyRosterSnapshot,
  type CountyRosterStore,
  type RosterMemberState,
} from '../../application/county/county-roster.port';
import { BOUNDS_A_LEAVING, type MembershipHistoryEntry } from '../../domain/member/member.aggregate';
import type { Membership, MemberRole, MemberStatus, VanguardPost } from '../../domain/member/member.vocabulary';
import type { OrgStatus } from '../../domain/organization/organization.vocabulary';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import { TRANSFER_ENDINGS, transferCancelled } from '../../domain/transfer/member-transfer.aggregate';
import { writeNumberedOutboxBatch } from '../outbox/bulk-outbox';
import { toIntegrationEvent } from '../outbox/integration-event.mapper';
import { uuidv7 } from '../system/uuid-v7';

/** The gate's transaction as the store uses it: a pg client (or anything answering `{ rows }`). */
export interface SqlTx {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount?: number | null }>;
}

interface MemberRow {
  county_client_id: string;
  county_member_id: string;
  id: string;
  org_id: string;
  name: string;
  status: MemberStatus;
  joined_on: string;
  roles: MemberRole[];
  posts: VanguardPost[];
  membership: Membership;
  version: number;
  open_transfers: number;
  taken_over_by?: string | null;
  current_client?: string | null;
  current_county_member?: string | null;
}

interface HistoryRow {
  member_id: string;
  on_day: string;
  kind: MembershipHistoryEntry['kind'];
  org_id: string;
  detail: string | null;
}

/**
 * The links of the county ids `$1`/`$2` (client, county member id; each pair once), each found by
 * its primary key, as `l`, with their members as `m` (a join: the lock on `m` stays above the
 * sort, so members are locked in id order, ADR 0129).
 */
const LINKED_MEMBERS = `(select distinct c, i from unnest($1::text[], $2::uuid[]) as k(c, i)) as k
  cross join lateral (select * from county_member_links l where l.county_client_id = k.c and l.county_member_id = k.i offset 0) as l
  join members m on m.id = l.member_id`;

/**
 * The roster sync's reads and writes, each one multi-row statement for the whole batch:
 * read which members and organisations (unlocked), lock open transfers (a removal's),
 * organisations (shared) and links + members, in that order (ADR 0129), then insert members with
 * their history and links, update members, transfers, stream counters and outbox. Members' roster columns
 * only: personal numbers are neither opened nor written. The roster-state triggers (ADR 0029)
 * note every inserted and updated member, so the member-state topic follows.
 */
export class PgCountyRosterStore implements CountyRosterStore<SqlTx> {
  constructor(private readonly clock: Clock) {}

  async load(tx: SqlTx, keys: readonly CountyMemberKey[], orgIds: readonly string[], removal: boolean): Promise<CountyRosterSnapshot> {
    const clients = keys.map((k) => k.countyClientId);
    const countyIds = keys.map((k) => k.countyMemberId);
    // The platform's one order (ADR 0129): open transfers, organisations, then members, as a merge
    // takes them; members first deadlocked with a merge of their organisation (and, ending a
    // transfer, with accepting or completing it). Which members and organisations: read unlocked —
    // those the links name, and members whose id a county id is (a county taking over one it received).
    // Each county id's link by its key (`offset 0`: a lookup per key, ADR 0133): joined, the planner
    // hashed every link and member for a batch once they numbered tens of thousands.
    const { rows: seen } = (await tx.query(
      `select m.id, m.org_id from ${LINKED_MEMBERS}
       union
       select m.id, m.org_id from unnest($2::uuid[]) as k(id) cross join lateral (select * from members m where m.id = k.id offset 0) as m`,
      [clients, countyIds],
    )) as { rows: { id: string; org_id: string }[] };
    if (removal && seen.length)
      await tx.query(
        `select id from member_transfers where member_id = any($1::uuid[]) and status in ('requested','accepted') order by id for update`,
        [seen.map((r) => r.id)],
      );
    // Shared, as an enrolment locks its organisation: a dissolution or a merge waits for the batch.
    const orgs = await tx.query(`select id, status from organizations where id = any($1::uuid[]) order by id for share`, [
      [...new Set([...orgIds, ...seen.map((r) => r.org_id)])],
    ]);
    // The members, locked: one a merge or a transfer moved since is in none of the organisations locked
    // above, and the handler gives the batch back to the gate to run again.
    const members = await tx.query(
      `select l.county_client_id, l.county_member_id, m.id, m.org_id, m.name, m.status, m.joined_on::text as joined_on,
              m.roles, m.posts, m.membership, m.version, l.taken_over_by,
              (select count(*)::int from member_transfers t where t.member_id = m.id and t.status in ('requested','accepted')) as open_transfers
         from ${LINKED_MEMBERS}
        order by m.id
          for update of m`,
      [clients, countyIds],
    );
    const all = members.rows as MemberRow[];
    const rows = all.filter((r) => !r.taken_over_by);
    // A removal's bound (ADR 0140): each member's bounding history line (ADR 0150) with the latest day, in one statement
    // for the batch, read once the members are locked — a line committed while the batch waited for
    // a member (a role, a transfer) is in it; read in the locking statement, its snapshot was older.
    const latest =
      removal && rows.length
        ? ((
            await tx.query(
              `select distinct on (h.member_id) h.member_id, h.on_day::text as on_day, h.kind, h.org_id, h.detail
                 from member_history h
                where h.member_id = any($1::uuid[]) and h.kind = any($2::text[])
                order by h.member_id, h.on_day desc, h.id desc`,
              [rows.map((r) => r.id), BOUNDS_A_LEAVING],
            )
          ).rows as HistoryRow[])
        : [];
    const known = new Set(all.map((r) => linkKey({ countyClientId: r.county_client_id, countyMemberId: r.county_member_id })));
    // A county id no link knows may be a platform member's id: a county taking over a member it received.
    // Only those the unlocked read found as members are locked and read again (member ids never
    // change, and a county can only name one that already exists): a roster of new members skips
    // this read, which Postgres answered with a scan of every member (ADR 0133).
    const seenMembers = new Set(seen.map((r) => r.id));
    const unlinked = [...new Set(keys.filter((k) => !known.has(linkKey(k))).map((k) => k.countyMemberId))].filter((id) =>
      seenMembers.has(id),
    );
    const claimed = unlinked.length
      ? ((
          await tx.query(
            `select m.id, m.org_id, m.name, m.status, m.joined_on::text as joined_on, m.roles, m.posts, m.membership, m.version,
                    l.county_client_id as current_client, l.county_member_id as current_county_member,
                    (select count(*)::int from member_transfers t where t.member_id = m.id and t.status in ('requested','accepted')) as open_transfers
               from members m
               left join lateral (select * from county_member_links l where l.member_id = m.id and l.ended_at is null offset 0) l on true
              where m.id = any($1::uuid[])
              order by m.id
                for update of m`,
            [unlinked],
          )
        ).rows as MemberRow[])
      : [];
    return {
      linked: new Map(rows.map((r) => [linkKey({ countyClientId: r.county_client_id, countyMemberId: r.county_member_id }), stateOf(r)])),
      takenOver: new Map(
        all
          .filter((r) => r.taken_over_by)
          .map((r) => [linkKey({ countyClientId: r.county_client_id, countyMemberId: r.county_member_id }), r.taken_over_by!]),
      ),
      claimable: new Map(
        claimed.map((r) => [
          r.id,
          {
            state: stateOf(r),
            ...(r.current_client ? { link: { countyClientId: r.current_client, countyMemberId: r.current_county_member! } } : {}),
          },
        ]),
      ),
      organizations: new Map((orgs.rows as { id: string; status: OrgStatus }[]).map((o) => [o.id, o])),
      openTransfers: new Map([...rows, ...claimed].map((r) => [r.id, r.open_transfers])),
      latestHistory: new Map(latest.map((h) => [h.member_id, { on: h.on_day, kind: h.kind, orgId: h.org_id, detail: h.detail }])),
    };
  }

  async save(tx: SqlTx, c: CountyRosterChanges): Promise<void> {
    // New members with their history (and, unless a link ends first, their links) in ONE statement:
    // each round trip of a batch waits for the event loop and the database. The foreign keys of
    // history and links are checked at the end of the statement, when the members are in.
    const linksNow = c.endedLinks.length === 0;
    if (c.joined.length || c.history.length || (linksNow && c.links.length))
      await tx.query(
        `with joined as (
           insert into members (id, org_id, name, status, joined_on, roles, posts, membership, version)
           select u.id, u.org_id, u.name, u.status, u.joined_on, string_to_array(u.roles, ','), string_to_array(u.posts, ','),
                  u.membership, 1
             from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[])
               as u(id, org_id, name, status, joined_on, roles, posts, membership)),
         history as (
           insert into member_history (member_id, on_day, kind, org_id, detail)
           select * from unnest($9::uuid[], $10::date[], $11::text[], $12::uuid[], $13::text[]))
         insert into county_member_links (county_client_id, county_member_id, member_id, org_id)
         select * from unnest($14::text[], $15::uuid[], $16::uuid[], $17::uuid[])`,
        [
          ...columns(c.joined),
          c.history.map((h) => h.memberId),
          c.history.map((h) => h.on),
          c.history.map((h) => h.kind),
          c.history.map((h) => h.orgId),
          c.history.map((h) => h.detail),
          ...linkColumns(linksNow ? c.links : []),
        ],
      );
    if (c.changed.length) {
      const res = await tx.query(
        `update members m
            set org_id = u.org_id, name = u.name, status = u.status, roles = string_to_array(u.roles, ','),
                posts = string_to_array(u.posts, ','), membership = u.membership, version = m.version + 1
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[], $9::int[])
             as u(id, org_id, name, status, joined_on, roles, posts, membership, version)
          where m.id = u.id and m.version = u.version`,
        [...columns(c.changed), c.changed.map((m) => m.version)],
      );
      // The rows are locked since the batch read them: a miss is a bug or a concurrent writer; the batch is retried.
      if (res.rowCount !== c.changed.length)
        throw new Error(`county roster: ${c.changed.length - (res.rowCount ?? 0)} members changed meanwhile`);
    }
    if (c.transfers.length)
      await tx.query(
        `insert into member_transfers (id, member_id, from_org_id, to_org_id, requested_on, deadline, status, decided_on, completed_on, version)
         select u.id, u.member_id, u.from_org_id, u.to_org_id, u.on_day, u.on_day, 'completed', u.on_day, u.on_day, 1
           from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::date[]) as u(id, member_id, from_org_id, to_org_id, on_day)`,
        [
          c.transfers.map((t) => t.id),
          c.transfers.map((t) => t.memberId),
          c.transfers.map((t) => t.fromOrgId),
          c.transfers.map((t) => t.toOrgId),
          c.transfers.map((t) => t.completedOn),
        ],
      );
    // Each transfer it ends publishes MemberTransferCancelled (ADR 0129), after the batch's events
    // (a member's MemberLeft comes first on his stream); a member with none open publishes nothing.
    const cancelled = c.endedTransfers.length ? await this.endTransfers(tx, c.endedTransfers) : [];
    // Ended before the new links go in: a member has one current link (a partial unique index).
    if (!linksNow) {
      await tx.query(
        `update county_member_links l set ended_at = now(), taken_over_by = u.by
           from unnest($1::text[], $2::uuid[], $3::text[]) as u(client, county_member, by)
          where l.county_client_id = u.client and l.county_member_id = u.county_member and l.ended_at is null`,
        [c.endedLinks.map((l) => l.countyClientId), c.endedLinks.map((l) => l.countyMemberId), c.endedLinks.map((l) => l.takenOverBy)],
      );
      if (c.links.length)
        await tx.query(
          `insert into county_member_links (county_client_id, county_member_id, member_id, org_id)
           select * from unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[])`,
          linkColumns(c.links),
        );
    }
    const now = this.clock.now();
    const envelopes: EventEnvelope[] = [...c.events, ...cancelled].map(({ event, context }) =>
      toIntegrationEvent(event, context, { eventId: uuidv7(), streamVersion: 1, now }),
    );
    await writeNumberedOutboxBatch(tx, envelopes);
  }

  /** Ends the open transfers of the members who left, in one statement; the events of those it ended. */
  private async endTransfers(
    tx: SqlTx,
    ended: CountyRosterChanges['endedTransfers'],
  ): Promise<{ event: DomainEvent; context: EventContext }[]> {
    const byMember = new Map(ended.map((e) => [e.memberId, e]));
    const { rows } = await tx.query(
      `update member_transfers t
          set status = 'cancelled', cancelled_on = u.on_day, reason = u.reason, version = t.version + 1
         from unnest($1::uuid[], $2::date[], $3::text[]) as u(member_id, on_day, reason)
        where t.member_id = u.member_id and t.status in ('requested','accepted')
        returning t.id, t.member_id, t.from_org_id, t.to_org_id, t.cancelled_on::text as cancelled_on`,
      [ended.map((e) => e.memberId), ended.map((e) => e.on), ended.map((e) => TRANSFER_ENDINGS[e.ending])],
    );
    return (rows as { id: string; member_id: string; from_org_id: string; to_org_id: string; cancelled_on: string }[])
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((r) => {
        const e = byMember.get(r.member_id)!;
        const event = transferCancelled(
          { id: r.id, memberId: r.member_id, fromOrgId: r.from_org_id, toOrgId: r.to_org_id },
          r.cancelled_on,
          e.ending,
        );
        return { event, context: e.context };
      });
  }
}

function stateOf(r: MemberRow): RosterMemberState {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    status: r.status,
    joinedOn: r.joined_on,
    roles: r.roles,
    posts: r.posts,
    membership: r.membership,
    version: r.version,
  };
}

function columns(ms: readonly RosterMemberState[]): unknown[] {
  return [
    ms.map((m) => m.id),
    ms.map((m) => m.orgId),
    ms.map((m) => m.name),
    ms.map((m) => m.status),
    ms.map((m) => m.joinedOn),
    ms.map((m) => m.roles.join(',')),
    ms.map((m) => m.posts.join(',')),
    ms.map((m) => m.membership),
  ];
}

function linkColumns(links: CountyRosterChanges['links']): unknown[] {
  return [links.map((l) => l.countyClientId), links.map((l) => l.countyMemberId), links.map((l) => l.memberId), links.map((l) => l.orgId)];
}
