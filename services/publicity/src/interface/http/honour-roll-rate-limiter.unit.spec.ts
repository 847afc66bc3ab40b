import { HonourRollRateLimiter } from './honour-roll-rate-limiter';

describe('HonourRollRateLimiter', () => {
  it('allows the minute’s budget per address, then asks to wait, and refills with time', () => {
    let now = 0;
    const limiter = new HonourRollRateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20_000);
    // Another address has its own budget.
    expect(limiter.take('b')).toBe(0);
    now += 20_000;
    expect(limiter.take('a')).toBe(0);
  });

  it('forgets the oldest address past its bound, so memory stays bounded', () => {
    const limiter = new HonourRollRateLimiter(1, () => 0, 2);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    // 'a' was forgotten: it starts with a full budget again.
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('c')).toBeGreaterThan(0);
  });
});
