import type { Actor } from './actor';
import type { RosterFormat, RosterKind, RowError } from '../roster/roster-format';

export const ROSTER_IMPORTS = Symbol('RosterImports');
export const ROSTER_EXPORTS = Symbol('RosterExports');

export type ImportJobStatus = 'queued' | 'running' | 'succeeded' | 'rejected' | 'failed';

export interface ImportJobView {
  readonly id: string;
  readonly kind: RosterKind;
  readonly format: RosterFormat;
  readonly dryRun: boolean;
  /** `succeeded`: imported (or, for a dry run, checked); `rejected`: bad rows, nothing imported. */
  readonly status: ImportJobStatus;
  /** 0–100, by bytes of the file read. */
  readonly progress: number;
  readonly rowsProcessed: number;
  readonly rowsImported: number;
  readonly errorCount: number;
  /** The first 1,000 bad cells. */
  readonly errors: readonly RowError[];
  readonly message: string | null;
  readonly actorOrgId: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

export interface StartImport {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly kind: RosterKind;
  readonly format: RosterFormat;
  readonly dryRun: boolean;
  /** The uploaded file, already on local disk; the import deletes it when done. */
  readonly file: string;
  /** The job's place under the import limit: released when the job ends; its signal asks the job to stop (shutdown). */
  readonly lease?: { readonly signal: AbortSignal; release(): void };
}

/**
 * Roster imports run as jobs: streamed row by row, every bad cell reported; a real import
 * is one transaction, committed only when no row is bad (all-or-nothing).
 */
export interface RosterImports {
  start(input: StartImport): Promise<ImportJobView>;
  /** Runs a job to its end (for benchmarks and scripts); `start` runs it in the background. */
  runToEnd(input: StartImport): Promise<ImportJobView>;
  find(id: string): Promise<ImportJobView | null>;
}

export interface RosterExports {
  /**
   * The roster of a subtree in the import format, as chunks of the file; personal fields in
   * clear only when `personal`. Stopping early (`return()`) ends the query and frees its connection.
   */
  chunks(input: { kind: RosterKind; format: RosterFormat; rootId: string; personal: boolean }): AsyncIterable<string | Buffer>;
}
