import type { CalendarAdjustments } from '@vanguard/commendation-domain';
import type { FactInput } from '../eligibility/eligibility-facts.port';

export const WORK_CALENDAR = Symbol('WORK_CALENDAR');

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
