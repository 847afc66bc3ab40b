const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The years a day may fall in: those a report can be asked for (reporting's periods). */
export const DAY_YEARS = { first: 1900, last: 2099 } as const;

/**
 * A day as every service's HTTP fields and imports take it: `YYYY-MM-DD`, one the calendar has
 * (2011-02-30 refused), in years 1900–2099. A probe opened a campaign in year 0001 and a programme
 * ending in 9999: stored, shown, and filed by reporting nowhere a summary can find them (no period
 * before 1900 or after 2099 can be asked for); no member was born, and no work is planned, outside
 * them. (Year 0000, which Postgres has not, was the first day refused here.) One rule for all of
 * them. The event contracts' `daySchema` stays as published: narrowing it would refuse events
 * already stored (the compatibility guard says so), so the edges refuse instead.
 */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY.test(value)) return false;
  const year = Number(value.slice(0, 4));
  if (year < DAY_YEARS.first || year > DAY_YEARS.last) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
