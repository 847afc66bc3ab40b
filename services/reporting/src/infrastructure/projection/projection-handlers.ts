import type { Pool, PoolClient } from 'pg';
import { MemberState, OrganizationState, STATE_REMOVAL_HEADER, stateRemovalClaim, type EventEnvelope } from '@vanguard/contracts';
import {
  handle,
  headerValue,
  type DeferredWrite,
  type EnvelopeVerifier,
  type EventHandler,
  type EventHandlerContext,
  type Tombstone,
} from '@vanguard/messaging';
import { EXTRACTED_TYPES, factsOf } from '../../domain/facts-of-event';
import { FactRows, MemberStates, OrgStates, RPT_ROSTER_REMOVAL } from './batch-writes';
import type { StateTopics } from './source-topics';

/** The channel ScopeService listens on for `rpt_org` (libs/auth orgTreeChannelSql with table rpt_org). */
export const RPT_ORG_TABLE = 'rpt_org';

/**
 * The tables the projection writes: the live ones, or a rebuild's shadows (`<table>__rebuild`).
 * The subtree totals are kept by triggers on the other three (migration 1766000000003), in the
 * totals table of the same suffix; the handlers never write them.
 */
export interface ReportingTables {
  readonly org: string;
  readonly member: string;
  readonly fact: string;
  readonly factTotal: string;
  readonly rosterTotal: string;
}
export const LIVE_TABLES: ReportingTables = {
  org: RPT_ORG_TABLE,
  member: 'rpt_member',
  fact: 'rpt_fact',
  factTotal: 'rpt_fact_total',
  rosterTotal: 'rpt_roster_total',
};
export const SHADOW_TABLES: ReportingTables = {
  org: 'rpt_org__rebuild',
  member: 'rpt_member__rebuild',
  fact: 'rpt_fact__rebuild',
  factTotal: 'rpt_fact_total__rebuild',
  rosterTotal: 'rpt_roster_total__rebuild',
};

/**
 * Every handler of the reporting consumer, by event type, writing to `t`. Each collects its rows
 * in the transaction's deferred writes (`ctx.deferred`, given by EventConsumer), so a chunk's
 * facts, organisation states or member states reach Postgres as one statement each, before
 * COMMIT; without `ctx.deferred` (a caller of its own) a handler writes at once. A chunk is one
 * partition of one topic, so deferring reorders nothing the totals depend on (and their
 * triggers give the same totals in either order: ADR 0055, 0060).
 */
export function reportingHandlersFor(t: ReportingTables): Readonly<Record<string, EventHandler<PoolClient>>> {
  const notifyChannel = t.org === RPT_ORG_TABLE ? `_${RPT_ORG_TABLE}` : undefined;
  /** Adds to the transaction's collector for `key`; without `ctx.deferred`, writes at once. */
  const collect = async <W extends DeferredWrite<PoolClient>>(
    ctx: EventHandlerContext<PoolClient>,
    key: string,
    init: () => W,
    add: (w: W) => void,
  ): Promise<void> => {
    if (ctx.deferred) return add(ctx.deferred.get(`reporting.${key}`, init));
    const w = init();
    add(w);
    await w.flush(ctx.tx);
  };

  const orgState = handle<typeof OrganizationState, PoolClient>(OrganizationState, async (e, ctx) => {
    const d = e.data;
    await collect(
      ctx,
      'org',
      () => new OrgStates(t.org, notifyChannel),
      (w) =>
        w.add({
          orgId: d.orgId,
          parentId: d.parentId,
          path: d.path,
          code: d.code,
          name: d.name,
          level: d.level,
          kind: d.kind,
          status: d.status,
          mergedIntoId: d.mergedIntoId,
          contactPoints: d.contactPoints.length,
          version: e.streamVersion,
          eventId: e.eventId,
          occurredAt: e.occurredAt,
        }),
    );
  });

  const memberState = handle<typeof MemberState, PoolClient>(MemberState, async (e, ctx) => {
    await collect(
      ctx,
      'member',
      () => new MemberStates(t.member),
      (w) =>
        w.add({
          memberId: e.data.memberId,
          orgId: e.data.orgId,
          membership: e.data.membership,
          version: e.streamVersion,
          eventId: e.eventId,
          occurredAt: e.occurredAt,
        }),
    );
  });

  /** One counted event → its fact rows. */
  const recordFacts: EventHandler<PoolClient> = async (e: EventEnvelope, ctx) => {
    const facts = factsOf(e);
    if (facts.length === 0) return;
    await collect(
      ctx,
      'fact',
      () => new FactRows(t.fact),
      (w) => w.add(e, facts),
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

/** What a tombstone deletes, or why it deletes nothing. */
export type TombstoneTarget = { readonly kind: 'organization' | 'member'; readonly id: string } | { readonly refused: string };

/**
 * A tombstone deletes only on the compacted state topic of its kind (ADR 0029: organization's
 * publisher sends one for a row truly deleted): `organization-<id>` on the organisation state
 * topic, `member-<id>` on the member state topic. A null value on an events topic is nothing any
 * producer sends (events are never deleted) and carries no signature, so anyone who can write to
 * the broker could otherwise purge an organisation from every figure with one record.
 */
export function tombstoneTarget(t: Pick<Tombstone, 'topic' | 'key'>, topics: StateTopics): TombstoneTarget {
  const m = /^(organization|member)-([0-9a-fA-F-]{36})$/.exec(t.key ?? '');
  const kind = m?.[1] as 'organization' | 'member' | undefined;
  if (t.topic !== topics.organization && t.topic !== topics.member)
    return {
      refused: `tombstone on ${t.topic}, which is not a state topic: only ${topics.organization} and ${topics.member} carry deletions`,
    };
  if (!m || !kind) return { refused: `tombstone with a key that names no organisation or member: ${JSON.stringify(t.key)}` };
  if (topics[kind] !== t.topic) return { refused: `tombstone of a ${kind} on ${t.topic}: a ${kind} is deleted only on ${topics[kind]}` };
  return { kind, id: m[2]! };
}

/** What a tombstone removes, at which version, or why it removes nothing. */
export type TombstoneRemoval =
  { readonly kind: 'organization' | 'member'; readonly id: string; readonly version: number } | { readonly refused: string };

/**
 * A tombstone removes only on the state topic of its kind (tombstoneTarget) and only with the
 * organization service's signed removal of its key in its `vg-state-removal` header (ADR 0130): a
 * null value carries no signature, and the publisher signs each removal it sends. Anything else
 * is refused, for the caller to dead-letter as forged, as an unsigned event is.
 */
export function tombstoneRemoval(
  t: Pick<Tombstone, 'topic' | 'key' | 'headers'>,
  topics: StateTopics,
  verifier: EnvelopeVerifier,
): TombstoneRemoval {
  const target = tombstoneTarget(t, topics);
  if ('refused' in target) return target;
  const claim = stateRemovalClaim(t.key, headerValue(t.headers, STATE_REMOVAL_HEADER));
  if (!claim.ok) return { refused: claim.reason };
  const signed = verifier.verify(claim.envelope);
  if (!signed.ok)
    return { refused: `tombstone of ${JSON.stringify(t.key)}: its removal is not signed by the organization service (${signed.reason})` };
  return { kind: target.kind, id: target.id, version: claim.version };
}

/**
 * A tombstone with a verified removal removes the projected row when older than the removal, so a
 * purged member or organisation stops counting, and keeps the removal's version (`rpt_roster_removal`),
 * so an older state of the key replayed afterwards is not applied; a redelivered one changes nothing.
 * One tombstoneRemoval refuses changes nothing and is returned for the caller to dead-letter.
 */
export async function applyTombstone(
  pool: Pool,
  t: Pick<Tombstone, 'topic' | 'key' | 'headers'>,
  topics: StateTopics,
  verifier: EnvelopeVerifier,
  tables: ReportingTables = LIVE_TABLES,
): Promise<TombstoneRemoval> {
  const removal = tombstoneRemoval(t, topics, verifier);
  if ('refused' in removal) return removal;
  const client = await pool.connect();
  try {
    await client.query('begin');
    await removeFromCopy(client, removal, tables);
    await client.query('commit');
  } catch (e) {
    await client.query('rollback');
    throw e;
  } finally {
    client.release();
  }
  return removal;
}

/**
 * A verified removal, in the caller's transaction: the removal's version kept (the highest per key;
 * the one table for the live copy and a rebuild's shadows, so a rebuild keeps every removal), and
 * the row deleted where older. The live organisation table tells ScopeService of a deleted row.
 */
export async function removeFromCopy(
  tx: PoolClient,
  r: { readonly kind: 'organization' | 'member'; readonly id: string; readonly version: number },
  tables: ReportingTables,
): Promise<void> {
  await tx.query(
    `insert into ${RPT_ROSTER_REMOVAL} (kind, id, version) values ($1, $2, $3)
     on conflict (kind, id) do update set version = excluded.version where ${RPT_ROSTER_REMOVAL}.version < excluded.version`,
    [r.kind, r.id, r.version],
  );
  if (r.kind === 'member') {
    await tx.query(`delete from ${tables.member} where member_id = $1 and version < $2`, [r.id, r.version]);
    return;
  }
  const deleted = await tx.query(`delete from ${tables.org} where id = $1 and version < $2`, [r.id, r.version]);
  // ScopeService rereads the id on every replica and finds it gone.
  if (deleted.rowCount && tables.org === RPT_ORG_TABLE)
    await tx.query(`select pg_notify(current_schema() || '_${RPT_ORG_TABLE}', $1)`, [r.id]);
}
