import {
  noVerdictDelayMs,
  outageDelayMs,
  InfrastructureUnavailable,
  PermanentHandlerError,
  isInfrastructureError,
  isTransientConflict,
  retryDelayMs,
  type RetryPolicy,
} from './retry-policy';

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

const coded = (code: string) => Object.assign(new Error('x'), { code });

describe('isInfrastructureError', () => {
  it('tells an unreachable part from an error about the work', () => {
    expect(
      [
        new InfrastructureUnavailable('keys'),
        coded('ECONNREFUSED'),
        coded('57P01'),
        coded('08006'),
        new Error('timeout exceeded when trying to connect'),
        new Error('Connection terminated unexpectedly'),
        Object.assign(coded('ENOENT'), { syscall: 'connect' }),
      ].map(isInfrastructureError),
    ).toEqual([true, true, true, true, true, true, true]);
    expect(
      [
        coded('23505'),
        coded('40001'),
        new Error('the toy cannot apply poison'),
        new PermanentHandlerError('x'),
        undefined,
        Object.assign(coded('ENOENT'), { syscall: 'open' }),
      ].map(isInfrastructureError),
    ).toEqual([false, false, false, false, false, false]);
  });

  it('WhenPostgresIsOutOfConnectionsOrResourcesOrReadOnly_CountsItAsAnOutage', () => {
    // 53300 too many connections, 53100 disk full; 58000 system error, 58030 I/O error; 25006 a
    // write sent to a standby after a failover.
    const codes = ['53100', '53300', '58000', '58030', '58P01', '25006'];
    expect(Object.fromEntries(codes.map((c) => [c, isInfrastructureError(coded(c))]))).toEqual(
      Object.fromEntries(codes.map((c) => [c, true])),
    );
  });

  it('WhenAStatementWasCancelled_OrAnotherTransactionStateIsWrong_DoesNotCountItAsAnOutage', () => {
    // 57014: a statement timeout the work itself causes would otherwise be retried for ever.
    // 25001/25P02: states a handler's own statements produce; 54000: a value too large.
    // 53200 out of memory (or of lock slots) and 53400 a configuration limit: as often the work's
    // size as the server's state; waited out, a chunk too big for them would be retried whole for ever.
    const codes = ['57014', '25001', '25P02', '54000', '40001', '40P01', '53000', '53200', '53400'];
    expect(Object.fromEntries(codes.map((c) => [c, isInfrastructureError(coded(c))]))).toEqual(
      Object.fromEntries(codes.map((c) => [c, false])),
    );
  });
});

describe('isTransientConflict', () => {
  it('WhenTheTransactionLostARaceWithAnother_SaysItSaysNothingOfTheWork', () => {
    const codes = ['40001', '40P01', '23505', '57014', '53300', 'ECONNREFUSED'];
    expect(codes.map((c) => isTransientConflict(coded(c)))).toEqual([true, true, false, false, false, false]);
    expect([undefined, null, 'x', new Error('deadlock detected')].map(isTransientConflict)).toEqual([false, false, false, false]);
  });
});

describe(noVerdictDelayMs.name, () => {
  const policy = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 10_000, jitter: 0 };

  it('waits the outage backoff, or sooner when the error says when its part will be there, never later', () => {
    const noon = () => 0.5;
    expect(noVerdictDelayMs(policy, 6, new InfrastructureUnavailable('down'), noon)).toBe(outageDelayMs(policy, 6, noon));
    expect(noVerdictDelayMs(policy, 6, new InfrastructureUnavailable('links', { retryAfterMs: 700 }), noon)).toBe(700);
    expect(noVerdictDelayMs(policy, 1, new InfrastructureUnavailable('links', { retryAfterMs: 5_000 }), noon)).toBe(200);
    expect(noVerdictDelayMs(policy, 3, Object.assign(new Error('deadlock'), { code: '40P01' }), noon)).toBe(800);
  });
});
