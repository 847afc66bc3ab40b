import type { BreakdownRow } from '../../infrastructure/sql-breakdown.read-model';
import { QueryStopped } from '../../infrastructure/stoppable-query';
import type { WorkbookLevel } from '../../infrastructure/export/statistics-workbook';

const NUMERALS = '一二三四五六七八九';

/** A sheet's title for the organisations `depth` levels below: 下一级 … 下九级, then 下10级. */
export const levelTitle = (depth: number): string => `下${depth <= NUMERALS.length ? NUMERALS[depth - 1] : depth}级`;

/**
 * The statistics workbook's sheets: the organisation itself, then every level below it down to
 * the last, as far as `maxRows` lets the file go; the first level that would pass it is named
 * as left out. Every level, not four: a province's fifth level (branches under a general branch)
 * was dropped without a word (a hostile probe, 2026-12-05). The level above drills further by
 * downloading the workbook of an organisation below.
 *
 * `signal` aborted (the caller left) stops it before its next query with QueryStopped('cancelled'):
 * each level is a count and a read, and a caller gone at the first level made the service read
 * every other level for a file nobody would get (issue 16). The query running when the caller
 * leaves is the reader's to cancel (a stoppable query, stoppable-query.ts).
 */
export async function statisticsLevels(
  own: BreakdownRow,
  maxRows: number,
  below: { count(depth: number): Promise<number>; rows(depth: number): Promise<BreakdownRow[]> },
  signal?: AbortSignal,
): Promise<{ levels: WorkbookLevel[]; omitted?: { title: string; organisations: number; maxRows: number } }> {
  const stillWanted = () => {
    if (signal?.aborted) throw new QueryStopped('cancelled');
  };
  const levels: WorkbookLevel[] = [{ title: '本级', rows: [own] }];
  let total = 1;
  for (let depth = 1; ; depth++) {
    const title = levelTitle(depth);
    stillWanted();
    const organisations = await below.count(depth);
    if (organisations === 0) return { levels };
    if (total + organisations > maxRows) return { levels, omitted: { title, organisations, maxRows } };
    total += organisations;
    stillWanted();
    levels.push({ title, rows: await below.rows(depth) });
  }
}
