import type { Pool, PoolClient } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import type { Actor } from '../../application/ports/actor';
import type { StartImport } from '../../application/ports/roster.port';
import type { RowError } from '../../application/roster/roster-format';
import type { OrgLevel } from '../../domain/organization/organization.vocabulary';
import { organizationEnvelope } from '../outbox/organization-envelope';
import { uuidv7 } from '../system/uuid-v7';
import type { JobState } from './import-jobs';

/** Rows per multi-row insert: big enough to amortise round trips, small enough to keep memory flat. */
export const BATCH = 5_000;

export interface OrgRef {
  id: string;
  path: string;
  level: OrgLevel;
  active: boolean;
}

export type RosterRecords = AsyncIterable<{ row: number; cells: Record<string, string> }>;

/** What a run hands the importer of its kind; `client` carries the run's one transaction (none on a dry run). */
export interface ImportRun {
  readonly input: StartImport;
  readonly client: PoolClient;
  readonly state: JobState;
  /** The caller's subtree, code → organisation; an organisation import adds the ones it registers. */
  readonly orgs: Map<string, OrgRef>;
  readonly report: (errs: readonly RowError[]) => void;
  /** Between batches: records how far the file was read, and shows it now and then. */
  readonly tick: () => Promise<void>;
}

/**
 * The caller's subtree, code → organisation: the only codes a file may name. With each path as
 * read: an organisation import builds its children's paths on it, and every real import's batch
 * checks it again under the row lock (lockImportTargets), so a move since this read refuses the rows.
 */
export async function loadSubtree(pool: Pool, actor: Actor): Promise<Map<string, OrgRef>> {
  const map = new Map<string, OrgRef>();
  if (!actor.orgId) return map;
  const root = await pool.query<{ path: string }>(`select path from organizations where id = $1`, [actor.orgId]);
  if (!root.rows[0]) return map;
  const { rows } = await pool.query(
    `select o.id, o.code, o.path, o.level, o.status = 'active' as active from organizations o where o.path like $1 || '%'`,
    [root.rows[0].path],
  );
  for (const r of rows as { id: string; code: string; path: string; level: OrgLevel; active: boolean }[])
    map.set(r.code, { id: r.id, path: r.path, level: r.level, active: r.active });
  return map;
}

/** Every imported row is the first event of its stream, caused by the upload itself. */
export function importEnvelope(
  type: string,
  streamId: string,
  orgId: string,
  input: StartImport,
  at: string,
  data: Record<string, unknown>,
): EventEnvelope {
  return organizationEnvelope({
    eventId: uuidv7(),
    type,
    streamId,
    streamVersion: 1,
    at,
    actor: {
      sub: input.actor.sub,
      roles: [...input.actor.roles],
      ...(input.actor.orgId ? { orgId: input.actor.orgId } : {}),
      kind: input.actor.kind,
    },
    orgId,
    correlationId: input.correlationId,
    causationId: null,
    data,
  });
}

export const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
