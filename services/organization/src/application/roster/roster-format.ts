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
