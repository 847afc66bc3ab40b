import type { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { StoreLog } from './store-log';

/** What an auditor asked: the query, its parameters and the streams it read. */
export interface AuditQuery {
  readonly query:
    | 'timeline'
    | 'as-of'
    | 'programme-as-of'
    | 'programme-diff'
    | 'subtree-as-of'
    | 'subtree-diff'
    | 'diff'
    | 'explain'
    | 'verify'
    | 'trail'
    /** A supervisor's proof that trail entries are in, or all of an auditor's trail as of, a signed checkpoint (ADR 0077). */
    | 'trail-proof'
    | 'trail-consistency'
    | 'checkpoint'
    | 'inclusion'
    | 'proof'
    | 'consistency'
    | 'completeness'
    | 'export'
    /** The bundle sent whole: its checkpoint size, SHA-256 and length, so the file that left can be named. */
    | 'export-completed';
  readonly streams: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
}

export interface Auditor {
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly orgId: string | undefined;
}

export const AUDIT_QUERY_MADE = 'audit.AuditQueryMade';

/** The origin the trail's own tree is built under; its commitment is signed only inside a store's checkpoint (ADR 0077). */
export const TRAIL_ORIGIN = 'vanguard.example/audit-trail';

/** The trail's stream of one auditor. */
export const auditorStream = (sub: string): string => `auditor-${sub}`;

/**
 * Audits the auditors: every query is appended, before it runs, to `auditor-<sub>` in the audit
 * service's own store — hash-chained and append-only like the stores it reads (the service's
 * role may INSERT and SELECT there, never UPDATE or DELETE). Only `audit_supervisor` reads it.
 * Its entries are also the leaves of a transparency log of its own (`log`), whose size, root and
 * stream map every checkpoint of the audited stores commits to (ADR 0077): a supervisor proves an
 * entry, or all of one auditor's entries, against a signed note, and a row rewritten by the
 * database owner fails that proof, or, once the log is rebuilt from the rewritten rows, the
 * consistency proof from a note signed before.
 */
export class AuditTrail {
  readonly store: PostgresEventStore;
  readonly log: StoreLog;

  constructor(
    readonly pool: Pool,
    schema: string,
    /** Entries per page of a whole-trail proof (`StoreLog.eventPage`); only a test sets fewer than the cap. */
    proofPage?: number,
  ) {
    this.store = new PostgresEventStore(pool, { schema, personalData: 'withheld' });
    this.log = new StoreLog(pool, schema, TRAIL_ORIGIN, 'trail', proofPage);
  }

  async record(auditor: Auditor, q: AuditQuery, correlationId: string): Promise<void> {
    await this.store.append(auditorStream(auditor.sub), [{ type: AUDIT_QUERY_MADE, data: { username: auditor.username, ...q } }], {
      expectedVersion: 'any',
      context: {
        actor: { sub: auditor.sub, roles: [...auditor.roles], orgId: auditor.orgId, kind: 'user' },
        orgId: auditor.orgId ?? 'none',
        correlationId,
      },
    });
  }

  /** Newest first; optionally one auditor's; `before` a position for the next page. */
  async read(options: { auditor?: string; before?: number; limit: number }) {
    const s = `"${this.store.schema}"`;
    const { rows } = await this.pool.query<{
      position: string;
      stream_id: string;
      stream_version: string;
      recorded_at: Date;
      actor: { sub: string; roles: string[]; orgId?: string };
      data: AuditQuery & { username: string };
      hash: string;
    }>(
      `select position, stream_id, stream_version, recorded_at, actor, data, hash from ${s}.events_view
        where type = $1 and ($2::text is null or stream_id = 'auditor-' || $2) and ($3::bigint is null or position < $3)
        order by position desc limit $4`,
      [AUDIT_QUERY_MADE, options.auditor ?? null, options.before ?? null, options.limit],
    );
    const entries = rows.map((r) => ({
      position: Number(r.position),
      streamId: r.stream_id,
      streamVersion: Number(r.stream_version),
      recordedAt: r.recorded_at.toISOString(),
      auditor: { sub: r.actor.sub, username: r.data.username, roles: r.actor.roles, orgId: r.actor.orgId ?? null },
      query: r.data.query,
      streams: r.data.streams,
      params: r.data.params,
      hash: r.hash,
    }));
    return { entries, nextBefore: entries.length === options.limit ? entries.at(-1)!.position : null };
  }
}
