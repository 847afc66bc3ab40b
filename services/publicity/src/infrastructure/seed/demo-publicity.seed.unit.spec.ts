import { daysBackThisYear } from './demo-publicity.seed';

describe(daysBackThisYear.name, () => {
  it('counts back within the year', () => {
    expect(daysBackThisYear('2026-12-03', 40)).toBe('2026-10-24');
    expect(daysBackThisYear('2024-03-01', 1)).toBe('2024-02-29');
  });

  it('stops at 1 January, so the demo year’s summary holds every article', () => {
    expect(daysBackThisYear('2027-01-05', 40)).toBe('2027-01-01');
    expect(daysBackThisYear('2027-01-01', 0)).toBe('2027-01-01');
  });
});
