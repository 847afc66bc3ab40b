import { labelledHeader, mislabelledColumns, unknownColumns, type HeaderProblem } from '@vanguard/spreadsheet';

/**
 * The roster file format (花名册), the same for import and export, .csv (UTF-8) or .xlsx
 * (first worksheet): one header row with these column names, then one row per record.
 * Lists (roles, posts) are separated by `;`. Dates are YYYY-MM-DD.
 */
export const MEMBER_COLUMNS = ['org_code', 'name', 'status', 'joined_on', 'roles', 'posts', 'id_number', 'phone'] as const;
export const ORGANIZATION_COLUMNS = ['code', 'name', 'level', 'kind', 'sector', 'parent_code', 'established_on', 'temporary'] as const;

/**
 * Each column's Chinese label, written before its name in an export's header (`姓名（name）`): the
 * words the row checks' reasons use (roster-row.validator.ts), so a refusal names the column as the
 * header shows it.
 */
const COLUMN_LABELS: Readonly<Record<string, string>> = {
  org_code: '组织代码',
  status: '党员状态',
  joined_on: '入党日期',
  roles: '职务',
  posts: '岗位',
  id_number: '身份证号',
  phone: '联系电话',
  code: '组织代码',
  level: '层级',
  kind: '组织类别',
  sector: '领域',
  parent_code: '上级组织代码',
  established_on: '建立日期',
  temporary: '临时党组织',
};
/** Each format's labels of its own columns only: `组织代码` is `org_code` in one and `code` in the other. */
const labelsOf = (columns: readonly string[], name: string): Readonly<Record<string, string>> =>
  Object.fromEntries(columns.map((c) => [c, c === 'name' ? name : COLUMN_LABELS[c]!]));
const MEMBER_LABELS = labelsOf(MEMBER_COLUMNS, '姓名');
const ORGANIZATION_LABELS = labelsOf(ORGANIZATION_COLUMNS, '组织名称');

export type RosterKind = 'members' | 'organizations';
export type RosterFormat = 'csv' | 'xlsx';

export const columnsOf = (kind: RosterKind): readonly string[] => (kind === 'members' ? MEMBER_COLUMNS : ORGANIZATION_COLUMNS);

/**
 * The header an export writes: `姓名（name）` for each column, read by people in Chinese and by the
 * import as the column's name (libs/spreadsheet `columnOfHeaderCell`). An import takes either form.
 */
export const exportHeaderOf = (kind: RosterKind): string[] =>
  labelledHeader(columnsOf(kind), kind === 'members' ? MEMBER_LABELS : ORGANIZATION_LABELS);

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
 * What is wrong with a file's header (`header`: its column names, as the reader read them from
 * `headerCells`): each required column it lacks, each column the format does not know
 * (libs/spreadsheet `unknownColumns`), and each cell labelled as another column (`身份证号（phone）`).
 */
export function headerProblems(
  kind: RosterKind,
  { header, headerCells }: { readonly header: readonly string[]; readonly headerCells: readonly string[] },
): HeaderProblem[] {
  const known = columnsOf(kind);
  const missing = known
    .filter((c) => !OPTIONAL_COLUMNS.includes(c) && !header.includes(c))
    .map((column) => ({ column, reason: `缺少列 ${column} / missing column ${column}` }));
  const mislabelled = mislabelledColumns(headerCells, kind === 'members' ? MEMBER_LABELS : ORGANIZATION_LABELS);
  return [...missing, ...unknownColumns(header, known), ...mislabelled];
}

/** The header is refused before any job starts: nothing was read past it, nothing was imported. */
export class RosterHeaderRefusedError extends Error {
  constructor(readonly problems: readonly HeaderProblem[]) {
    super('表头不符合花名册格式 / the header does not match the roster format');
  }
}
