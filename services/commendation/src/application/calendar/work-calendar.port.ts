import type { CalendarAdjustments } from '@vanguard/commendation-domain';
import { DAY_YEARS } from '@vanguard/contracts';
import type { FactInput } from '../eligibility/eligibility-facts.port';

export const WORK_CALENDAR = Symbol('WORK_CALENDAR');

/**
 * The years the working calendar keeps, for setting a day, reading a year and counting a notice's
 * end alike. The three disagreed (1900–2099, 2000–2100, an end counted into 2100): a 1950 day could
 * be set and never read, and 2100 read but never set. From 2000, as programmes' years; to the last
 * year a day may name (DAY_YEARS).
 */
export const CALENDAR_YEARS = { first: 2000, last: DAY_YEARS.last } as const;

export const isCalendarYear = (year: number): boolean =>
  Number.isInteger(year) && year >= CALENDAR_YEARS.first && year <= CALENDAR_YEARS.last;

/**
 * The years a notice starting in `year` may run into: that year and the next, but never past the
 * last, whose successor no one can set and whose version a decision would record as read.
 */
export const noticeYears = (year: number): readonly [number, number] => [year, Math.min(year + 1, CALENDAR_YEARS.last)];

export type CalendarDayKind = 'holiday' | 'workday';

/** One adjustment: a holiday on a weekday, or a make-up working day on a weekend. */
export interface CalendarAdjustment {
  readonly day: string;
  readonly kind: CalendarDayKind;
  readonly name: string;
}

/** The adjustments of some years as read, with each year's version: what a computation records as its input. */
export interface CalendarSnapshot {
  /** As the domain's notice-period rule takes them. */
  readonly adjustments: CalendarAdjustments;
  readonly days: readonly CalendarAdjustment[];
  readonly inputs: readonly FactInput[];
}

export interface CalendarSetter {
  readonly sub: string;
  readonly role: string;
  readonly orgId: string;
}

export interface WorkCalendarPort {
  /** The adjustments of the years `fromYear`..`toYear`, each year's version named as `calendar-<year>`. */
  snapshot(fromYear: number, toYear: number): Promise<CalendarSnapshot>;
  year(year: number): Promise<{ readonly version: number; readonly days: readonly CalendarAdjustment[] }>;
  /** Sets or (kind null) clears one day's adjustment; returns the year's new version. */
  set(day: string, adjustment: { kind: CalendarDayKind; name: string } | null, by: CalendarSetter, at: Date): Promise<number>;
}

/** The stream-like name a computation records for a calendar year it read. */
export const calendarStream = (year: number): string => `calendar-${year}`;
