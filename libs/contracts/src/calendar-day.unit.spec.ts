import { isCalendarDay } from './calendar-day';

/** The calendar written out independently: month lengths and the Gregorian leap rule, no Date. */
function independent(y: number, m: number, d: number): boolean {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return y >= 1900 && y <= 2099 && days !== undefined && d >= 1 && d <= days;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe(isCalendarDay.name, () => {
  it('WhenGivenRandomYearMonthDayTriples_AgreesWithTheCalendarWrittenOut', () => {
    let seed = 20261202;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 20_000; i++) {
      // Years at and past the edges (0000, 0001, 1899, 1900, 2099, 2100, 9999) and leap-rule years are drawn often.
      const y = [0, 1, 1899, 1900, 2000, 2024, 2099, 2100, 9999][next(12)] ?? next(10_000);
      const m = next(14);
      const d = next(33);
      const day = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
      expect([day, isCalendarDay(day)]).toEqual([day, independent(y, m, d)]);
    }
  });

  it('WhenNotAPlainDay_IsFalse', () => {
    for (const v of ['2011-6-20', '2011-06-20T00:00:00Z', ' 2011-06-20', '+02011-06-20', '２０１１-06-20', 20110620, null, undefined])
      expect(isCalendarDay(v)).toBe(false);
  });
});
