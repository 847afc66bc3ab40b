const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A day as every service's HTTP fields and imports take it: `YYYY-MM-DD`, one the calendar has
 * (2011-02-30 refused) and Postgres can store (year 0000 refused: it has no year 0, so a day a
 * pattern let through failed the write, or every read model, later). One rule for all of them.
 * The event contracts' `daySchema` stays as published: narrowing it would refuse events already
 * stored (the compatibility guard says so), so the edges refuse instead.
 */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !DAY.test(value) || value.startsWith('0000')) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
