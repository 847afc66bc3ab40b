import { retryDelayMs, type RetryPolicy } from './retry-policy';

describe(retryDelayMs.name, () => {
  const sut = retryDelayMs;
  const policy: RetryPolicy = { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.2 };
  const noJitter = () => 0.5;

  it('WhenAttemptsFail_DoublesTheDelayUpToTheCap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => sut(policy, a, noJitter))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('WhenJittered_StaysWithinTheSpread', () => {
    expect(sut(policy, 3, () => 0)).toBe(320);
    expect(sut(policy, 3, () => 0.999999)).toBe(480);
  });
});
