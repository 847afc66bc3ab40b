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

/**
 * The day `years` after `day`, month and day kept; from 29 February, in a year without one, 1 March:
 * the first day on which the years have passed.
 */
export function anniversary(day: Day, years: number): Day {
  const year = Number(day.slice(0, 4)) + years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${String(year).padStart(4, '0')}-${day.slice(5) === '02-29' && !leap ? '03-01' : day.slice(5)}`;
}
