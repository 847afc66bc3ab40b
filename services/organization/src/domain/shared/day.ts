import { isCalendarDay } from '@vanguard/contracts';

/** A calendar day `YYYY-MM-DD`; compared as strings, which sort chronologically. */
export type Day = string;

/** A day that exists, in years 1900–2099: the contracts' one rule (`isCalendarDay`). */
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
