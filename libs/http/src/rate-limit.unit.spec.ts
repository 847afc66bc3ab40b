import { HttpStatus } from '@nestjs/common';
import { TokenBuckets, tooManyRequests } from './rate-limit';

describe('TokenBuckets', () => {
  it('allows the budget per key, then says how long to wait, and refills with time', () => {
    const buckets = TokenBuckets.perMinute(3);
    expect([buckets.take('a', 0), buckets.take('a', 0), buckets.take('a', 0)]).toEqual([0, 0, 0]);
    expect(buckets.take('a', 0)).toBe(20_000);
    // Another key has its own budget.
    expect(buckets.take('b', 0)).toBe(0);
    // A refused take costs nothing: after the wait it names, one token is there.
    expect(buckets.take('a', 20_000)).toBe(0);
    expect(buckets.take('a', 20_000)).toBeGreaterThan(0);
  });

  it('never holds more than its capacity, however long a key was idle', () => {
    const buckets = TokenBuckets.perSecond(2);
    buckets.take('a', 0);
    const afterAnHour = 3_600_000;
    expect([buckets.take('a', afterAnHour), buckets.take('a', afterAnHour)]).toEqual([0, 0]);
    expect(buckets.take('a', afterAnHour)).toBe(500);
  });

  it('forgets the least recently used key past its bound, so memory stays bounded', () => {
    const buckets = TokenBuckets.perHour(1, 2);
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('c', 0);
    // 'a' was forgotten: it starts with a full budget again; 'c' is still remembered.
    expect(buckets.take('a', 0)).toBe(0);
    expect(buckets.take('c', 0)).toBeGreaterThan(0);
  });

  it('takes back a token given back, up to its capacity and no further', () => {
    const buckets = TokenBuckets.perHour(2);
    expect([buckets.take('a', 0), buckets.take('a', 0)]).toEqual([0, 0]);
    buckets.giveBack('a');
    expect(buckets.take('a', 0)).toBe(0);
    expect(buckets.take('a', 0)).toBeGreaterThan(0);
    buckets.giveBack('a');
    buckets.giveBack('a');
    buckets.giveBack('a');
    expect([buckets.take('a', 0), buckets.take('a', 0)]).toEqual([0, 0]);
    expect(buckets.take('a', 0)).toBeGreaterThan(0);
    // A key never taken from has nothing to give back, and keeps its full budget.
    buckets.giveBack('b');
    expect([buckets.take('b', 0), buckets.take('b', 0), buckets.take('b', 0) > 0]).toEqual([0, 0, true]);
  });

  it('refuses a budget that is not positive', () => {
    expect(() => TokenBuckets.perMinute(0)).toThrow(/positive budget/);
    expect(() => TokenBuckets.perMinute(Number.NaN)).toThrow(/positive budget/);
  });
});

describe('tooManyRequests', () => {
  it('is a 429 with the code, a Chinese and English message and whole seconds to wait', () => {
    const e = tooManyRequests(1_200, { zh: '请求', en: 'reads' });
    expect(e.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
    expect(e.getResponse()).toEqual({
      code: 'LIMIT.TOO_MANY',
      message: '请求过于频繁，请稍后再试 / too many reads; try again later',
      retryAfterSec: 2,
    });
    expect((tooManyRequests(10, { zh: '投票', en: 'ballots' }).getResponse() as { retryAfterSec: number }).retryAfterSec).toBe(1);
  });
});
