/**
 * A header cell `姓名（name）` (or `姓名(name)`) names the column `name`: exports write each column so,
 * its Chinese label for the people who read it and its name for the import, and an import takes
 * either form. Only a name the formats use (lower case, digits, `_`) in the trailing brackets;
 * any other cell is its own name, so `备注（可选）` is an unknown column, never a blank one.
 */
export function columnOfHeaderCell(cell: string): string {
  return labelledCell(cell)?.column ?? cell.trim().toLowerCase();
}

/** A header cell's label (as written) and column (lower case) when it is written `label（column）`. */
function labelledCell(cell: string): { label: string; column: string } | undefined {
  const m = /^(.*?)\s*[（(]\s*([a-z][a-z0-9_]*)\s*[）)]$/i.exec(cell.trim());
  return m ? { label: m[1]!, column: m[2]!.toLowerCase() } : undefined;
}

/**
 * Each header cell `label（column）` of a column the format has whose label names another of its
 * columns (`身份证号（phone）`, `身份证号码（phone）`: the longest of the format's labels the cell's
 * holds): which one the writer meant cannot be told, and read by its bracket a swapped pair of
 * labels put ID numbers under phone. A label holding none of the format's (`手机（phone）`) is the
 * writer's own, and taken; a column the format lacks is refused as unknown, not here.
 */
export function mislabelledColumns(cells: readonly string[], labels: Readonly<Record<string, string>>): HeaderProblem[] {
  return cells.flatMap((cell) => {
    const labelled = labelledCell(cell);
    if (!labelled || labels[labelled.column] === undefined) return [];
    const held = Object.keys(labels).filter((column) => labelled.label.includes(labels[column]!));
    const longest = Math.max(0, ...held.map((column) => labels[column]!.length));
    const meant = held.filter((column) => labels[column]!.length === longest);
    // Two of the longest (`岗位职务` holds 职务 and 岗位) are both the writer's words: its own among them is taken.
    if (meant.length === 0 || meant.includes(labelled.column)) return [];
    const other = meant[0]!;
    const text = cell.trim();
    const own = `${labels[labelled.column]}（${labelled.column}）`;
    const theirs = `${labels[other]}（${other}）`;
    return [
      {
        column: labelled.column,
        reason:
          `表头“${text}”的中文名是 ${other} 列的（${labels[other]}），括号内却是 ${labelled.column}；请核对该列内容，改为“${own}”或“${theirs}” / ` +
          `header cell ${text}: its label is ${other}'s (${labels[other]}) but its bracket says ${labelled.column}; check the column's values and head it ${own} or ${theirs}`,
      },
    ];
  });
}

/** The header an export writes: `label（column）` for each column, which the import reads back as the column. */
export function labelledHeader(columns: readonly string[], labels: Readonly<Record<string, string>>): string[] {
  return columns.map((c) => (labels[c] ? `${labels[c]}（${c}）` : c));
}

/** A header cell the format has no place for, or a column it needs and the header lacks. */
export interface HeaderProblem {
  readonly column: string;
  readonly reason: string;
}

/**
 * Each header cell (trimmed and lower-cased by the reader) the format does not know, with the
 * nearest known name when one is close. An unknown column is never skipped: a roster header
 * spelling `id-number` or `member_status` had its rows imported without ID numbers and as full
 * members, and a project list's `pairing-id` would plan every project unpaired, saying nothing.
 */
export function unknownColumns(header: readonly string[], known: readonly string[]): HeaderProblem[] {
  const unused = known.filter((c) => !header.includes(c));
  return header
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
