import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConcurrencyLimits } from '@vanguard/http';

/**
 * Bounds on the organization service's long work: roster uploads, import jobs and streamed
 * exports. Each has an environment override; the README's "Limits" table says why each
 * value was chosen.
 */
export interface RosterLimits {
  /** Streamed exports: each holds one database connection while it runs. */
  readonly exports: ConcurrencyLimits;
  /** Import jobs: each holds a connection and, for a real import, one transaction for its whole run. */
  readonly imports: ConcurrencyLimits;
  /** Upload body, bytes (413 past it). */
  readonly maxUploadBytes: number;
  /** Data rows per file (the job is rejected past it). */
  readonly maxRows: number;
  /** Characters one CSV record may span. */
  readonly maxRecordChars: number;
  /** Bytes an .xlsx may inflate to, declared and actual (422 past it). */
  readonly maxInflatedBytes: number;
  /** An upload that sends nothing for this long is cut (408). */
  readonly uploadIdleMs: number;
  /** A download whose client reads nothing for this long is cut, releasing its connection. */
  readonly streamStallMs: number;
  /** Every upload must arrive whole within this long (408), however steadily it trickles. */
  readonly uploadDeadlineMs: number;
  /** A download running longer than this is ended, however steadily its client reads. */
  readonly exportMaxMs: number;
  /** Where uploads wait for their job; each file is deleted on every path. */
  readonly uploadDir: string;
  /** SIGTERM → exit, in-flight work included. */
  readonly shutdownDeadlineMs: number;
}

const MiB = 1024 * 1024;

export function rosterLimits(env: NodeJS.ProcessEnv = process.env): RosterLimits {
  const n = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return v;
  };
  return {
    exports: {
      perUser: n('ORGANIZATION_EXPORTS_PER_USER', 2),
      total: n('ORGANIZATION_EXPORTS_TOTAL', 3),
      retryAfterSec: n('ORGANIZATION_EXPORTS_RETRY_AFTER_SEC', 10),
    },
    imports: {
      perUser: n('ORGANIZATION_IMPORTS_PER_USER', 1),
      total: n('ORGANIZATION_IMPORTS_TOTAL', 2),
      retryAfterSec: n('ORGANIZATION_IMPORTS_RETRY_AFTER_SEC', 30),
    },
    maxUploadBytes: n('ORGANIZATION_UPLOAD_MAX_BYTES', 128 * MiB),
    maxRows: n('ORGANIZATION_IMPORT_MAX_ROWS', 1_000_000),
    maxRecordChars: n('ORGANIZATION_IMPORT_MAX_RECORD_CHARS', 64 * 1024),
    maxInflatedBytes: n('ORGANIZATION_XLSX_MAX_INFLATED_BYTES', 512 * MiB),
    uploadIdleMs: n('ORGANIZATION_UPLOAD_IDLE_MS', 30_000),
    streamStallMs: n('ORGANIZATION_STREAM_STALL_MS', 60_000),
    uploadDeadlineMs: n('ORGANIZATION_UPLOAD_DEADLINE_MS', 600_000),
    exportMaxMs: n('ORGANIZATION_EXPORT_MAX_MS', 900_000),
    uploadDir: env['ORGANIZATION_UPLOAD_DIR'] || join(tmpdir(), 'vanguard-uploads'),
    shutdownDeadlineMs: n('ORGANIZATION_SHUTDOWN_DEADLINE_MS', 25_000),
  };
}

export const ROSTER_LIMITS = Symbol('RosterLimits');

/** The module takes the limits beside its config; tests pass small ones, the service reads the environment. */
export interface WithRosterLimits {
  readonly roster?: RosterLimits;
}
