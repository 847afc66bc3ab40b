import { isCalendarDay } from '@vanguard/contracts';

/** A calendar day `YYYY-MM-DD`; compared as strings, which sort chronologically. */
export type Day = string;

/**
 * A day that exists, in years 0001–9999: the contracts' one rule (`isCalendarDay`). JavaScript
 * takes 0000-01-01 as a day; Postgres has no year 0 and refuses it as a `date`.
 */
export function isDay(value: string): value is Day {
  return isCalendarDay(value);
}

export function dayOf(instant: Date): Day {
  return instant.toISOString().slice(0, 10);
}

export function addDays(day: Day, days: number): Day {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return dayOf(d);
}
