import { unstorableTextReason } from '@vanguard/contracts';

/**
 * The cells of one imported row whose text Postgres cannot store (NUL, half a surrogate pair), with
 * why: a file's text reaches the database as a request body's does, so every import refuses them
 * by row and column, with the rule the HTTP edge applies (libs/contracts). The upload's sniff sees
 * only its first 64 KiB, so a NUL further down reached an insert and answered 500.
 */
export function unstorableCells(
  cells: Readonly<Record<string, string | undefined>>,
  columns: readonly string[] = Object.keys(cells),
): { readonly column: string; readonly reason: string }[] {
  const found: { column: string; reason: string }[] = [];
  for (const column of columns) {
    const value = cells[column];
    const reason = value === undefined ? undefined : unstorableTextReason(value);
    if (reason) found.push({ column, reason });
  }
  return found;
}
