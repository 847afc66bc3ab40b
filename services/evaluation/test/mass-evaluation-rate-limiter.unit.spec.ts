import { HttpException } from '@nestjs/common';
import { BallotRateLimiter } from '../src/infrastructure/mass-evaluation/ballot-rate-limiter';

const retryAfter = (fn: () => void): number | null => {
  try {
    fn();
    return null;
  } catch (e) {
    return ((e as HttpException).getResponse() as { retryAfterSec: number }).retryAfterSec;
  }
};

describe(BallotRateLimiter.name, () => {
  let now = 0;
  const sut = () => new BallotRateLimiter({ perAddressPerMinute: 60, perWindowPerSecond: 1000 }, () => now);

  it('allows a burst of the per-minute allowance, then refuses with the seconds until the next ballot', () => {
    now = 0;
    const limiter = sut();
    for (let i = 0; i < 60; i++) expect(retryAfter(() => limiter.check('10.0.0.1', 'w'))).toBeNull();
    expect(retryAfter(() => limiter.check('10.0.0.1', 'w'))).toBe(1);
    expect(retryAfter(() => limiter.check('10.0.0.2', 'w'))).toBeNull();
    now = 1000;
    expect(retryAfter(() => limiter.check('10.0.0.1', 'w'))).toBeNull();
    expect(retryAfter(() => limiter.check('10.0.0.1', 'w'))).toBe(1);
  });

  it('limits a window across addresses', () => {
    now = 0;
    const limiter = new BallotRateLimiter({ perAddressPerMinute: 1000, perWindowPerSecond: 2 }, () => now);
    expect(retryAfter(() => limiter.check('a', 'w'))).toBeNull();
    expect(retryAfter(() => limiter.check('b', 'w'))).toBeNull();
    expect(retryAfter(() => limiter.check('c', 'w'))).toBe(1);
    expect(retryAfter(() => limiter.check('c', 'other'))).toBeNull();
  });
});
