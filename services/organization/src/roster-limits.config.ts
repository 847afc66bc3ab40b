import type { ConcurrencyLimits } from '@vanguard/http';
import { positiveIntFromEnv } from '@vanguard/infra-config';
import { sheetUploadLimits, type SheetUploadLimits } from '@vanguard/spreadsheet';

/**
 * Bounds on the organization service's long work: roster uploads, import jobs and streamed
 * exports. Each has an environment override; the README's "Limits" table says why each
 * value was chosen.
 */
export interface RosterLimits extends SheetUploadLimits {
  /** Streamed exports: each holds one database connection while it runs. */
  readonly exports: ConcurrencyLimits;
  /** Import jobs: each holds a connection and, for a real import, one transaction for its whole run. */
  readonly imports: ConcurrencyLimits;
  /** A download whose client reads nothing for this long is cut, releasing its connection. */
  readonly streamStallMs: number;
  /** A download running longer than this is ended, however steadily its client reads. */
  readonly exportMaxMs: number;
}

const MiB = 1024 * 1024;

export function rosterLimits(env: NodeJS.ProcessEnv = process.env): RosterLimits {
  const n = (name: string, fallback: number): number => positiveIntFromEnv(env, name, fallback);
  return {
    // ORGANIZATION_UPLOAD_MAX_BYTES, _IMPORT_MAX_ROWS, _IMPORT_MAX_RECORD_CHARS, _XLSX_MAX_INFLATED_BYTES, _UPLOAD_IDLE_MS, _UPLOAD_DEADLINE_MS, _UPLOAD_DIR
    ...sheetUploadLimits(
      'ORGANIZATION',
      {
        maxUploadBytes: 128 * MiB,
        maxRows: 1_000_000,
        maxRecordChars: 64 * 1024,
        maxInflatedBytes: 512 * MiB,
        uploadIdleMs: 30_000,
        uploadDeadlineMs: 600_000,
      },
      env,
    ),
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
    streamStallMs: n('ORGANIZATION_STREAM_STALL_MS', 60_000),
    exportMaxMs: n('ORGANIZATION_EXPORT_MAX_MS', 900_000),
  };
}

export const ROSTER_LIMITS = Symbol('RosterLimits');

/** The module takes the limits beside its config; tests pass small ones, the service reads the environment. */
export interface WithRosterLimits {
  readonly roster?: RosterLimits;
}
