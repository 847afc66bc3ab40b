import type { Pool } from 'pg';
import { PostgresEventStore, type RecordedEvent, type Upcaster } from '@vanguard/event-store';
import type { AuditedContext } from '../infrastructure/audit-database';
import { AuditRefusal } from './audit-refusal';
import { diffFields, type FieldChange } from './field-diff';
import { redact } from './redaction';
import { streamKindOf, type StreamKind } from './stream-catalog';
import { checkLinks } from './stream-links';

/** One event as an auditor reads it: who, in which role and organisation, why, on what, when. */
export interface TimelineEntry {
  readonly streamVersion: number;
  readonly position: number;
  readonly type: string;
  readonly eventVersion: number;
  readonly recordedAt: string;
  readonly occurredAt: string;
  readonly actor: { readonly sub: string; readonly roles: readonly string[]; readonly orgId: string | null };
  readonly orgId: string;
  /** The role and organisation the decision was taken in, its inputs, rule and reason; null for an event that decides nothing. */
  readonly decision: {
    readonly decidedBy: unknown;
    readonly inputs: readonly { streamId: string; version: number }[];
    readonly rule: { id: string; version: number } | null;
    readonly checks: readonly { id: string; version: number }[];
    readonly reason: string | null;
  } | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: unknown;
  readonly hash: string;
  readonly prevHash: string;
}

export type Instant = { readonly recordedAt: string } | { readonly version: number };

export const MAX_TIMELINE_PAGE = 200;
/** Nominations a programme's as-of (or each side of its diff) folds: as many streams as its export holds. */
export const MAX_PROGRAMME_NOMINATIONS = 2000;

/**
 * Reads the audited stores through the read-only role, with personal data withheld: folds with
 * the owning context's deciders (libs/evaluation-domain, libs/commendation-domain).
 */
export class AuditReader {
  readonly stores: Readonly<Record<AuditedContext, PostgresEventStore>>;

  constructor(
    readonly pool: Pool,
    private readonly schemas: Readonly<Record<AuditedContext, string>>,
    private readonly upcasters: Readonly<Partial<Record<AuditedContext, readonly Upcaster[]>>> = {},
  ) {
    const store = (c: AuditedContext) =>
      new PostgresEventStore(pool, { schema: schemas[c], personalData: 'withheld', groupCommit: false, upcasters: upcasters[c] });
    this.stores = { evaluation: store('evaluation'), commendation: store('commendation') };
  }

  /** The same reader over another pool: a verification gets connections of its own, which an abandoned one cancels. */
  withPool(pool: Pool): AuditReader {
    return new AuditReader(pool, this.schemas, this.upcasters);
  }

  storeOf(kind: StreamKind): PostgresEventStore {
    return this.stores[kind.context];
  }

  /** The stream's head version, or a 404 when it has no events. */
  async head(streamId: string): Promise<{ kind: StreamKind; version: number }> {
    const kind = streamKindOf(streamId);
    const version = await this.storeOf(kind).streamVersion(streamId);
    if (version === 0) throw AuditRefusal.notFound(`stream ${streamId}`);
    return { kind, version };
  }

  async timeline(streamId: string, fromVersion: number, limit: number) {
    const { kind, version } = await this.head(streamId);
    const events = await this.storeOf(kind).readStream(streamId, { fromVersion, maxCount: limit });
    const last = events.at(-1)?.streamVersion ?? fromVersion - 1;
    return {
      streamId,
      context: kind.context,
      head: version,
      events: events.map(toEntry),
      nextFromVersion: last < version ? last + 1 : null,
    };
  }

  /**
   * The stream's state as of an instant (recorded at or before) or a version, folded by its
   * decider, once its chain is whole (422 naming the broken link otherwise). `field` is the
   * query field a version too high is named by.
   */
  async asOf(streamId: string, at: Instant, field = 'version') {
    const { kind, version: head } = await this.head(streamId);
    if ('version' in at && at.version > head)
      throw AuditRefusal.invalid(field, `流只有 ${head} 个版本 / the stream has ${head} versions, not ${at.version}`);
    await this.checkChain(kind, streamId);
    const folded = await this.storeOf(kind).asOf(streamId, kind.fold, at);
    return { streamId, context: kind.context, asOf: at, head, version: folded.version, state: redact(folded.state) };
  }

  /** Field by field between two instants, with the events recorded in between. */
  async diff(streamId: string, from: Instant, to: Instant) {
    const a = await this.asOf(streamId, from, 'fromVersion');
    const b = await this.asOf(streamId, to, 'toVersion');
    if (a.version > b.version)
      throw AuditRefusal.invalid(
        'version' in to ? 'toVersion' : 'toAt',
        `结束早于开始：版本 ${b.version} 在 ${a.version} 之前 / \`to\` is before \`from\`: version ${b.version} precedes ${a.version}`,
      );
    const changes: FieldChange[] = diffFields(a.state, b.state);
    const lo = Math.min(a.version, b.version);
    const hi = Math.max(a.version, b.version);
    const between =
      hi > lo ? await this.storeOf(streamKindOf(streamId)).readStream(streamId, { fromVersion: lo + 1, maxCount: hi - lo }) : [];
    return {
      streamId,
      from: { asOf: from, version: a.version },
      to: { asOf: to, version: b.version },
      changes,
      events: between.map((e) => ({ streamVersion: e.streamVersion, type: e.type, recordedAt: e.recordedAt, actor: e.actor.sub })),
    };
  }

  /**
   * A programme as it stood at an instant: the programme stream, its public notice and every
   * nomination submitted for it by then, each folded as of that instant.
   */
  async programmeAsOf(programmeId: string, recordedAt: string) {
    const streamId = `award-programme-${programmeId}`;
    const programme = await this.asOf(streamId, { recordedAt });
    const store = this.stores.commendation;
    const { rows } = await this.pool.query<{ stream_id: string }>(
      `select distinct stream_id from "${store.schema}".events_view
        where type = 'commendation.EligibilityChecked' and data->>'programmeId' = $1 and recorded_at <= $2
        order by stream_id limit ${MAX_PROGRAMME_NOMINATIONS + 1}`,
      [programmeId, recordedAt],
    );
    if (rows.length > MAX_PROGRAMME_NOMINATIONS)
      throw AuditRefusal.invalid(
        'programmeId',
        `超过 ${MAX_PROGRAMME_NOMINATIONS} 个推荐，请按组织子树或逐流查询 / more than ${MAX_PROGRAMME_NOMINATIONS} nominations: read them by organisation subtree (organizations/:orgId/as-of) or stream by stream`,
      );
    const nominations = [];
    for (const r of rows) nominations.push(await this.asOf(r.stream_id, { recordedAt }));
    const noticeId = `public-notice-${programmeId}`;
    const notice = (await store.streamVersion(noticeId)) > 0 ? await this.asOf(noticeId, { recordedAt }) : null;
    return {
      programmeId,
      asOf: recordedAt,
      programme: { version: programme.version, state: programme.state },
      notice: notice && { version: notice.version, state: notice.state },
      nominations: nominations.filter((n) => n.version > 0).map((n) => ({ streamId: n.streamId, version: n.version, state: n.state })),
    };
  }

  /** The stream's events up to its head, for replays (data as stored, upcast; personal values withheld), once its chain is whole. */
  async events(streamId: string): Promise<{ kind: StreamKind; events: RecordedEvent[] }> {
    const { kind } = await this.head(streamId);
    const events = await this.storeOf(kind).readStream(streamId);
    checkLinks(streamId, events);
    return { kind, events };
  }

  /**
   * The store's fold takes the rows it finds in version order and does not look for a missing
   * one (a libs/event-store fix would refuse it there): the versions and hashes alone, checked first.
   */
  private async checkChain(kind: StreamKind, streamId: string): Promise<void> {
    const { rows } = await this.pool.query<{ stream_version: string; prev_hash: string; hash: string }>(
      `select stream_version, prev_hash, hash from "${this.storeOf(kind).schema}".events where stream_id = $1 order by stream_version`,
      [streamId],
    );
    checkLinks(
      streamId,
      rows.map((r) => ({ streamVersion: Number(r.stream_version), prevHash: r.prev_hash, hash: r.hash })),
    );
  }
}

function toEntry(e: RecordedEvent): TimelineEntry {
  const d = (e.data as { decision?: Record<string, unknown> } | null)?.decision;
  return {
    streamVersion: e.streamVersion,
    position: e.position,
    type: e.type,
    eventVersion: e.version,
    recordedAt: e.recordedAt,
    occurredAt: e.occurredAt,
    actor: { sub: e.actor.sub, roles: e.actor.roles, orgId: e.actor.orgId ?? null },
    orgId: e.orgId,
    decision: d
      ? {
          decidedBy: d['decidedBy'] ?? null,
          inputs: (d['inputs'] as { streamId: string; version: number }[] | undefined) ?? [],
          rule: (d['rule'] as { id: string; version: number } | undefined) ?? null,
          checks: (d['checks'] as { id: string; version: number }[] | undefined) ?? [],
          reason: (d['reason'] as string | undefined) ?? null,
        }
      : null,
    correlationId: e.correlationId,
    causationId: e.causationId,
    data: redact(e.data),
    hash: e.hash,
    prevHash: e.prevHash,
  };
}
