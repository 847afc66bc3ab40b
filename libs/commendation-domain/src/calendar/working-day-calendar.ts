import type { NoticeDayKind } from '@vanguard/contracts';

/**
 * The operator's adjustments to the working week for one stretch of dates (调休): public
 * holidays that fall on weekdays, and weekend days that are worked instead. Passed in as
 * data, never read from a clock or a table by the domain.
 */
export interface CalendarAdjustments {
  readonly holidays: readonly string[];
  readonly makeUpWorkdays: readonly string[];
}

export const NO_ADJUSTMENTS: CalendarAdjustments = { holidays: [], makeUpWorkdays: [] };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parse(day: string): number {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

const format = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The day `n` calendar days after `day` (n may be negative). Pure date arithmetic in UTC. */
export function addDays(day: string, n: number): string {
  return format(parse(day) + n * 86_400_000);
}

/** 0 = Sunday … 6 = Saturday, of the date itself (no time zone involved). */
export const weekdayOf = (day: string): number => new Date(parse(day)).getUTCDay();

/** A make-up day is worked even on a weekend; a holiday is off even on a weekday; otherwise Monday to Friday. */
export function isWorkingDay(day: string, calendar: CalendarAdjustments): boolean {
  if (calendar.makeUpWorkdays.includes(day)) return true;
  if (calendar.holidays.includes(day)) return false;
  const w = weekdayOf(day);
  return w !== 0 && w !== 6;
}

/**
 * The last day of a notice of `days` days starting on `startsOn`. In calendar days the start
 * counts as day 1; in working days only working days count, from the start if it is one.
 */
export function noticeEndsOn(startsOn: string, days: number, kind: NoticeDayKind, calendar: CalendarAdjustments): string {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`a notice runs at least one day: ${days}`);
  if (kind === 'calendar') return addDays(startsOn, days - 1);
  let day = startsOn;
  let counted = isWorkingDay(day, calendar) ? 1 : 0;
  // Bounded: a year of holidays in a row is a data error, not a reason to loop forever.
  for (let guard = 0; counted < days; guard++) {
    if (guard > 366) throw new RangeError(`no ${days} working days within a year after ${startsOn}`);
    day = addDays(day, 1);
    if (isWorkingDay(day, calendar)) counted++;
  }
  return day;
}

/** The adjustments that fall between two days (inclusive): what a notice records so it replays. */
export function adjustmentsBetween(
  from: string,
  to: string,
  calendar: CalendarAdjustments,
): { holidays: string[]; makeUpWorkdays: string[] } {
  const within = (d: string) => d >= from && d <= to;
  return {
    holidays: [...new Set(calendar.holidays.filter(within))].sort(),
    makeUpWorkdays: [...new Set(calendar.makeUpWorkdays.filter(within))].sort(),
  };
}

/**
 * How the end of a notice period is counted, as a versioned rule recorded on each notice:
 * version 1 is `noticeEndsOn` above.
 */
export const NoticePeriodV1 = {
  id: 'commendation.notice.period',
  version: 1,
  endsOn: noticeEndsOn,
} as const;
