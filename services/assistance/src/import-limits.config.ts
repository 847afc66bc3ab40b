import type { ConcurrencyLimits } from '@vanguard/http';
import { positiveIntFromEnv } from '@vanguard/infra-config';
import { sheetUploadLimits, type SheetUploadLimits } from '@vanguard/spreadsheet';

/**
 * Bounds on project-list imports (POST /projects/import), the same kinds as the organization
 * roster import's (libs/spreadsheet) with values for a list that is decided in one transaction:
 * a county's project list is hundreds of rows, so 5,000 rows and 16 MiB leave room without
 * letting one upload hold a connection for minutes.
 */
export interface ProjectImportLimits extends SheetUploadLimits {
  /** Imports at once, per user and in all; each holds a connection and one transaction. */
  readonly imports: ConcurrencyLimits;
}

const MiB = 1024 * 1024;

export function projectImportLimits(env: NodeJS.ProcessEnv = process.env): ProjectImportLimits {
  const n = (name: string, fallback: number): number => positiveIntFromEnv(env, name, fallback);
  return {
    // ASSISTANCE_UPLOAD_MAX_BYTES, _IMPORT_MAX_ROWS, _IMPORT_MAX_RECORD_CHARS, _XLSX_MAX_INFLATED_BYTES, _UPLOAD_IDLE_MS, _UPLOAD_DEADLINE_MS, _UPLOAD_DIR
    ...sheetUploadLimits(
      'ASSISTANCE',
      {
        maxUploadBytes: 16 * MiB,
        maxRows: 5_000,
        maxRecordChars: 16 * 1024,
        maxInflatedBytes: 64 * MiB,
        uploadIdleMs: 30_000,
        uploadDeadlineMs: 120_000,
      },
      env,
    ),
    imports: {
      perUser: n('ASSISTANCE_IMPORTS_PER_USER', 1),
      total: n('ASSISTANCE_IMPORTS_TOTAL', 2),
      retryAfterSec: n('ASSISTANCE_IMPORTS_RETRY_AFTER_SEC', 30),
    },
  };
}

export const PROJECT_IMPORT_LIMITS = Symbol('ProjectImportLimits');
export const PROJECT_IMPORT_LIMITER = Symbol('ProjectImportLimiter');
