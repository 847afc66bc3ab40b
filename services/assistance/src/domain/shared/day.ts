import { isCalendarDay } from '@vanguard/contracts';

/** A calendar day `YYYY-MM-DD` in China time; compared as strings, which sort chronologically. */
export type Day = string;

/** The contracts' one day rule (no 2011-02-30, years 1900–2099). */
export function isDay(value: string): value is Day {
  return isCalendarDay(value);
}

/** The day an instant falls on in Asia/Shanghai (UTC+8, no daylight saving): what users call "today". */
export function shanghaiDayOf(instant: Date): Day {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** A quarter as its first and last day (一季一走访: seed 004 counts visits per quarter). */
export interface Quarter {
  readonly label: string;
  readonly first: Day;
  readonly last: Day;
}

export function quarterOf(day: Day): Quarter {
  const year = Number(day.slice(0, 4));
  const q = Math.floor((Number(day.slice(5, 7)) - 1) / 3);
  const firstMonth = q * 3 + 1;
  const lastMonth = firstMonth + 2;
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { label: `${year}-Q${q + 1}`, first: `${year}-${pad(firstMonth)}-01`, last: `${year}-${pad(lastMonth)}-${pad(lastDay)}` };
}

export function addDays(day: Day, days: number): Day {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
