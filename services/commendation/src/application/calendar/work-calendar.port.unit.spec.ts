import { CALENDAR_YEARS, noticeYears } from './work-calendar.port';

describe('noticeYears', () => {
  it('noticeYears_InAnOrdinaryYear_AreThatYearAndTheNext', () => {
    expect(noticeYears(2026)).toEqual([2026, 2027]);
  });

  it('noticeYears_InTheCalendarsLastYear_StopThere', () => {
    // A decision that recorded the next year's version would cite a stream no one can ever write.
    expect(noticeYears(CALENDAR_YEARS.last)).toEqual([CALENDAR_YEARS.last, CALENDAR_YEARS.last]);
  });
});
