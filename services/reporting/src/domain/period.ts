/**
 * A reporting period: a year (`2026`) or a quarter (`2026-Q3`). Figures fall into a period by
 * the day the event occurred in Asia/Shanghai (the campaign's calendar), not by UTC, so an
 * event at 23:30 UTC on 31 March counts in Q2 — or, for an event about a period of its own, by
 * that period (`filingDay`, ADR 0103).
 */
export interface Period {
  readonly key: string;
  /** First day, inclusive, YYYY-MM-DD (Asia/Shanghai). */
  readonly from: string;
  /** Day after the last, exclusive. */
  readonly to: string;
  readonly label: string;
}

// Years 1900–2099: a date before year 1000 is not four digits, and Postgres refused '0-01-01' (a 500)
// and read '1-01-01' as 2001 (another year's figures under the asked one's label).
const YEAR = /^((?:19|20)\d{2})$/;
const QUARTER = /^((?:19|20)\d{2})-Q([1-4])$/;
/** What the HTTP edge accepts as a period: exactly what parsePeriod parses. */
export const PERIOD_PATTERN = /^(?:19|20)\d{2}(?:-Q[1-4])?$/;

/** Parses `YYYY` or `YYYY-Qn` for years 1900–2099; undefined when it is neither. */
export function parsePeriod(key: string): Period | undefined {
  const y = YEAR.exec(key);
  if (y) {
    const year = Number(y[1]);
    return { key, from: `${year}-01-01`, to: `${year + 1}-01-01`, label: `${year}年` };
  }
  const q = QUARTER.exec(key);
  if (!q) return undefined;
  const year = Number(q[1]);
  const n = Number(q[2]);
  const month = (m: number) => String(m).padStart(2, '0');
  const from = `${year}-${month(3 * (n - 1) + 1)}-01`;
  const to = n === 4 ? `${year + 1}-01-01` : `${year}-${month(3 * n + 1)}-01`;
  return { key, from, to, label: `${year}年第${'一二三四'[n - 1]}季度` };
}

/** The Asia/Shanghai calendar day of a UTC instant (UTC+8 all year: China has no summer time). */
export function shanghaiDay(instant: string): string {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) throw new Error(`not an instant: ${instant}`);
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The quarters of a year, or the quarter itself: the buckets of a time series. */
export function quartersOf(period: Period): Period[] {
  if (QUARTER.test(period.key)) return [period];
  const year = period.key;
  return [1, 2, 3, 4].map((n) => parsePeriod(`${year}-Q${n}`) as Period);
}
