import { addDays, adjustmentsBetween, isWorkingDay, NO_ADJUSTMENTS, noticeEndsOn, weekdayOf } from './working-day-calendar';

// Known dates: 2012-06-01 was a Friday (1 January 2012 was a Sunday, 152 days earlier).
const duanwu = { holidays: ['2012-06-22'], makeUpWorkdays: ['2012-06-16'] };

describe('working-day calendar', () => {
  it('knows the weekday of a date without a clock', () => {
    expect(['2012-01-01', '2012-06-01', '2012-06-16', '2012-02-29'].map(weekdayOf)).toEqual([0, 5, 6, 3]);
  });
  it('adds days across months and leap days', () => {
    expect([addDays('2012-02-28', 1), addDays('2012-02-28', 2), addDays('2012-03-01', -1)]).toEqual([
      '2012-02-29',
      '2012-03-01',
      '2012-02-29',
    ]);
  });
  it('counts Monday to Friday as working days', () => {
    expect(['2012-06-01', '2012-06-02', '2012-06-03', '2012-06-04'].map((d) => isWorkingDay(d, NO_ADJUSTMENTS))).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
  it('does not count a holiday on a weekday, and counts a make-up Saturday', () => {
    expect([isWorkingDay('2012-06-22', duanwu), isWorkingDay('2012-06-16', duanwu)]).toEqual([false, true]);
  });
  it('ends a calendar-day notice N-1 days after it starts (the start is day 1)', () => {
    expect(noticeEndsOn('2012-06-01', 7, 'calendar', duanwu)).toBe('2012-06-07');
  });
  it('ends a working-day notice on its Nth working day, skipping the weekend', () => {
    expect(noticeEndsOn('2012-06-01', 5, 'working', NO_ADJUSTMENTS)).toBe('2012-06-07');
  });
  it('starts counting working days on the next working day when published on a weekend', () => {
    expect(noticeEndsOn('2012-06-02', 5, 'working', NO_ADJUSTMENTS)).toBe('2012-06-08');
  });
  it('skips a public holiday the operator entered', () => {
    expect(noticeEndsOn('2012-06-18', 5, 'working', duanwu)).toBe('2012-06-25');
    expect(noticeEndsOn('2012-06-18', 5, 'working', NO_ADJUSTMENTS)).toBe('2012-06-22');
  });
  it('counts a make-up working day the operator entered', () => {
    expect(noticeEndsOn('2012-06-14', 3, 'working', duanwu)).toBe('2012-06-16');
  });
  it('refuses a notice of no days, and a calendar with no working day for a year', () => {
    expect(() => noticeEndsOn('2012-06-01', 0, 'calendar', NO_ADJUSTMENTS)).toThrow(RangeError);
    const allOff = { holidays: Array.from({ length: 400 }, (_, i) => addDays('2012-06-01', i)), makeUpWorkdays: [] };
    expect(() => noticeEndsOn('2012-06-01', 1, 'working', allOff)).toThrow(RangeError);
  });
  it('keeps the adjustments inside a period, once each, in order', () => {
    const calendar = { holidays: ['2012-10-01', '2012-06-22', '2012-06-22', '2012-05-01'], makeUpWorkdays: ['2012-06-16'] };
    expect(adjustmentsBetween('2012-06-14', '2012-06-25', calendar)).toEqual(duanwu);
  });
});
