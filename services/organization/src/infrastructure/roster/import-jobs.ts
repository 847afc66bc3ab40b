import type { Pool } from 'pg';
import type { ImportJobStatus, ImportJobView, StartImport } from '../../application/ports/roster.port';
import type { RowError } from '../../application/roster/roster-format';

/** The job view promises the first 1,000 bad cells; a file of bad rows must not grow the row without bound. */
const MAX_REPORTED_ERRORS = 1_000;

/** A run's progress as the `import_jobs` row shows it to whoever polls the job. */
export interface JobState {
  id: string;
  status: ImportJobStatus;
  bytesRead: number;
  bytesTotal: number;
  rowsProcessed: number;
  rowsImported: number;
  errorCount: number;
  errors: RowError[];
  message: string | null;
  /** Held to the caller's ID-number budget (HTTP), or only recorded (scripts). */
  budgeted: boolean;
  /** ID numbers that matched a member outside the caller's subtree, for the record. */
  matchedElsewhere: number;
}

export function runningJob(id: string, budgeted: boolean): JobState {
  return {
    id,
    status: 'running',
    bytesRead: 0,
    bytesTotal: 0,
    rowsProcessed: 0,
    rowsImported: 0,
    errorCount: 0,
    errors: [],
    message: null,
    budgeted,
    matchedElsewhere: 0,
  };
}

export function errorReporter(state: JobState): (errs: readonly RowError[]) => void {
  return (errs) => {
    state.errorCount += errs.length;
    for (const e of errs) if (state.errors.length < MAX_REPORTED_ERRORS) state.errors.push(e);
  };
}

export async function insertQueuedJob(pool: Pool, id: string, input: StartImport, bytesTotal: number): Promise<void> {
  await pool.query(
    `insert into import_jobs (id, kind, format, dry_run, status, bytes_total, actor_sub, actor_org_id) values ($1, $2, $3, $4, 'queued', $5, $6, $7)`,
    [id, input.kind, input.format, input.dryRun, bytesTotal, input.actor.sub, input.actor.orgId ?? null],
  );
}

export async function saveJobProgress(pool: Pool, s: JobState, final = false): Promise<void> {
  await pool.query(
    `update import_jobs set status = $2, bytes_read = $3, rows_processed = $4, rows_imported = $5, error_count = $6, errors = $7::jsonb, message = $8,
            finished_at = case when $9 then now() else finished_at end where id = $1`,
    [s.id, s.status, s.bytesRead, s.rowsProcessed, s.rowsImported, s.errorCount, JSON.stringify(s.errors), s.message, final],
  );
}

export async function findJob(pool: Pool, id: string): Promise<ImportJobView | null> {
  const { rows } = await pool.query(
    `select id, kind, format, dry_run, status, bytes_total, bytes_read, rows_processed, rows_imported, error_count, errors, message, actor_org_id, created_at, finished_at
       from import_jobs where id = $1`,
    [id],
  );
  const r = rows[0] as Record<string, unknown> | undefined;
  if (!r) return null;
  const total = Number(r['bytes_total']);
  const done = r['status'] === 'succeeded' || r['status'] === 'rejected';
  return {
    id: r['id'] as string,
    kind: r['kind'] as ImportJobView['kind'],
    format: r['format'] as ImportJobView['format'],
    dryRun: r['dry_run'] as boolean,
    status: r['status'] as ImportJobStatus,
    // 100 only once finished: the last bytes are read before the last batch is written.
    progress: done ? 100 : total > 0 ? Math.min(99, Math.floor((Number(r['bytes_read']) / total) * 100)) : 0,
    rowsProcessed: r['rows_processed'] as number,
    rowsImported: r['rows_imported'] as number,
    errorCount: r['error_count'] as number,
    errors: r['errors'] as RowError[],
    message: (r['message'] as string | null) ?? null,
    actorOrgId: (r['actor_org_id'] as string | null) ?? null,
    createdAt: (r['created_at'] as Date).toISOString(),
    finishedAt: r['finished_at'] ? (r['finished_at'] as Date).toISOString() : null,
  };
}
