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

/** Columns a file may leave out: each has a default (status full, no roles, posts or numbers; not temporary). */
const OPTIONAL_COLUMNS: readonly string[] = ['roles', 'posts', 'id_number', 'phone', 'temporary', 'status'];

/** A header cell the format has no place for, or a column it needs and the header lacks. */
export interface HeaderProblem {
  readonly column: string;
  readonly reason: string;
}

/**
 * What is wrong with a file's header (names trimmed and lower-cased by the reader): each required
 * column it lacks, and each column the format does not know. An unknown column is never skipped:
 * a header spelling `id-number` or `member_status` had its rows imported without ID numbers and
 * as full members, and said nothing. The nearest known name is suggested when one is close.
 */
export function headerProblems(kind: RosterKind, header: readonly string[]): HeaderProblem[] {
  const known = columnsOf(kind);
  const missing = known
    .filter((c) => !OPTIONAL_COLUMNS.includes(c) && !header.includes(c))
    .map((column) => ({ column, reason: `缺少列 ${column} / missing column ${column}` }));
  const unused = known.filter((c) => !header.includes(c));
  const unknown = header
    .filter((h) => h !== '' && !known.includes(h))
    .map((column) => {
      const near = nearestColumn(column, unused);
      return {
        column,
        reason:
          `未知列“${column}”${near ? `，是否应为 ${near}？` : ''}（可用的列：${known.join(', ')}）/ ` +
          `unknown column ${column}${near ? `: did you mean ${near}?` : ''} (the columns are ${known.join(', ')})`,
      };
    });
  return [...missing, ...unknown];
}

/** A known column close to `name`: the same once separators agree, a few letters apart, or one inside the other. */
function nearestColumn(name: string, candidates: readonly string[]): string | undefined {
  const plain = (s: string) => s.replace(/[\s\-.]+/g, '_');
  const n = plain(name);
  const exact = candidates.find((c) => plain(c) === n);
  if (exact) return exact;
  const scored = candidates
    .map((c) => ({ c, d: editDistance(n, c) }))
    .filter(({ c, d }) => d <= (Math.min(n.length, c.length) >= 5 ? 2 : 1))
    .sort((a, b) => a.d - b.d);
  if (scored[0]) return scored[0].c;
  return candidates.find((c) => c.length >= 4 && (n.includes(c) || (n.length >= 4 && c.includes(n))));
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The header is refused before any job starts: nothing was read past it, nothing was imported. */
export class RosterHeaderRefusedError extends Error {
  constructor(readonly problems: readonly HeaderProblem[]) {
    super('表头不符合花名册格式 / the header does not match the roster format');
  }
}
