import { chinaTimeOf, chinaDayBegan, chinaDayOf } from './china-day';

describe('China days', () => {
  it('chinaDayOf_TurnsAtSixteenHundredUtc', () => {
    expect(chinaDayOf(new Date('2026-12-03T15:59:59.999Z'))).toBe('2026-12-03');
    expect(chinaDayOf(new Date('2026-12-03T16:00:00.000Z'))).toBe('2026-12-04');
  });

  it('chinaDayBegan_IsTheMidnightOfTheInstantsChinaDay_OverRandomInstants', () => {
    // Checked against the day read back from Intl in Asia/Shanghai, not the offset arithmetic under test.
    const shanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    let seed = 20261204;
    for (let i = 0; i < 2_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      // From 1992: China kept daylight saving time 1986–1991, which Intl knows and this platform's days never meet.
      const instant = new Date(Date.UTC(1992, 0, 1) + (seed / 2 ** 31) * 107 * 365 * 86_400_000);
      const began = chinaDayBegan(instant);
      expect([instant.toISOString(), chinaDayOf(instant)]).toEqual([instant.toISOString(), shanghai.format(instant)]);
      expect([instant.toISOString(), shanghai.format(began), shanghai.format(new Date(began.getTime() - 1))]).toEqual([
        instant.toISOString(),
        shanghai.format(instant),
        shanghai.format(new Date(began.getTime() - 86_400_000)),
      ]);
      expect(began.getTime()).toBeLessThanOrEqual(instant.getTime());
    }
  });
});

describe(chinaTimeOf.name, () => {
  it('shows an instant in China Standard Time, the day rolling over at 16:00 UTC', () => {
    expect(chinaTimeOf(new Date('2026-12-05T11:01:11.248Z'))).toBe('2026-12-05 19:01:11（北京时间）');
    expect(chinaTimeOf(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01 00:00:00（北京时间）');
  });
});
