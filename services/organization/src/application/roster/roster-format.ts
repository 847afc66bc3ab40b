import { unknownColumns, type HeaderProblem } from '@vanguard/spreadsheet';

/**
 * The roster file format (花名册), the same for import and export, .csv (UTF-8) or .xlsx
 * (first worksheet): one header row with these column names, then one row per record.
 * Lists (roles, posts) are separated by `;`. Dates are YYYY-MM-DD.
 */
export const MEMBER_COLUMNS = ['org_code', 'name', 'status', 'joined_on', 'roles', 'posts', 'id_number', 'phone'] as const;
export const ORGANIZATION_COLUMNS = ['code', 'name', 'level', 'kind', 'sector', 'parent_code', 'established_on', 'temporary'] as const;

export type RosterKind = 'members' | 'organizations';
export type RosterFormat = 'csv' | 'xlsx';

export const columnsOf = (kind: RosterKind): readonly string[] => (kind === 'members' ? MEMBER_COLUMNS : ORGANIZATION_COLUMNS);

/** One bad cell: the spreadsheet row number (header = row 1), the column and why, in Chinese and English. */
export interface RowError {
  readonly row: number;
  readonly column: string;
  readonly reason: string;
}

/**
 * Columns a file may leave out: each has a default (the status the joining day allows, ADR 0154; no
 * roles, posts or numbers; not temporary).
 */
const OPTIONAL_COLUMNS: readonly string[] = ['roles', 'posts', 'id_number', 'phone', 'temporary', 'status'];

/**
 * What is wrong with a file's header (names trimmed and lower-cased by the reader): each required
 * column it lacks, and each column the format does not know (libs/spreadsheet `unknownColumns`).
 */
export function headerProblems(kind: RosterKind, header: readonly string[]): HeaderProblem[] {
  const known = columnsOf(kind);
  const missing = known
    .filter((c) => !OPTIONAL_COLUMNS.includes(c) && !header.includes(c))
    .map((column) => ({ column, reason: `缺少列 ${column} / missing column ${column}` }));
  return [...missing, ...unknownColumns(header, known)];
}

/** The header is refused before any job starts: nothing was read past it, nothing was imported. */
export class RosterHeaderRefusedError extends Error {
  constructor(readonly problems: readonly HeaderProblem[]) {
    super('表头不符合花名册格式 / the header does not match the roster format');
  }
}
