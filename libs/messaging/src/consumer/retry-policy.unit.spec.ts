import { InfrastructureUnavailable, PermanentHandlerError, isInfrastructureError, retryDelayMs, type RetryPolicy } from './retry-policy';

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

describe('isInfrastructureError', () => {
  it('tells an unreachable part from an error about the work', () => {
    const coded = (code: string) => Object.assign(new Error('x'), { code });
    expect(
      [
        new InfrastructureUnavailable('keys'),
        coded('ECONNREFUSED'),
        coded('57P01'),
        coded('08006'),
        new Error('timeout exceeded when trying to connect'),
        new Error('Connection terminated unexpectedly'),
      ].map(isInfrastructureError),
    ).toEqual([true, true, true, true, true, true]);
    expect(
      [coded('23505'), coded('40001'), new Error('the toy cannot apply poison'), new PermanentHandlerError('x'), undefined].map(
        isInfrastructureError,
      ),
    ).toEqual([false, false, false, false, false]);
  });
});
