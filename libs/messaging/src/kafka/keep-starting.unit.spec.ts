import { keepStarting } from './keep-starting';

const fast = { initialMs: 1, maxMs: 4 };

describe(keepStarting.name, () => {
  it('WhenStartFailsAFewTimes_TriesAgainUntilItStartsAndReportsEachFailure', async () => {
    let calls = 0;
    const failures: number[] = [];
    const kept = keepStarting(
      () => {
        calls++;
        return calls <= 3 ? Promise.reject(new Error('This server does not host this topic-partition')) : Promise.resolve();
      },
      { onError: (_e, attempt) => failures.push(attempt), backoff: fast },
    );
    await expect(kept.started).resolves.toBe(true);
    expect(calls).toBe(4);
    expect(failures).toEqual([1, 2, 3]);
  });

  it('WhenStoppedWhileWaitingToRetry_NeverTriesAgain', async () => {
    let calls = 0;
    let failed: () => void = () => undefined;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const kept = keepStarting(
      () => {
        calls++;
        return Promise.reject(new Error('broker down'));
      },
      // A long wait: only stop can end it.
      { onError: () => failed(), backoff: { initialMs: 60_000, maxMs: 60_000 } },
    );
    await firstFailure;
    await new Promise((r) => setImmediate(r));
    kept.stop();
    await expect(kept.started).resolves.toBe(false);
    expect(calls).toBe(1);
  });

  it('WhenStoppedFromTheErrorReport_NeverWaitsNorTriesAgain', async () => {
    let calls = 0;
    let stop: () => void = () => undefined;
    const kept = keepStarting(
      () => {
        calls++;
        return Promise.reject(new Error('broker down'));
      },
      // A long wait: only stop can end it.
      { onError: () => stop(), backoff: { initialMs: 60_000, maxMs: 60_000 } },
    );
    stop = () => kept.stop();
    await expect(kept.started).resolves.toBe(false);
    expect(calls).toBe(1);
  });

  it('WhenStoppedWhileAnAttemptIsInFlight_ReportsNotStartedEvenIfThatAttemptSucceeds', async () => {
    let finish: () => void = () => undefined;
    const kept = keepStarting(() => new Promise<void>((resolve) => (finish = resolve)), { onError: () => undefined, backoff: fast });
    kept.stop();
    finish();
    await expect(kept.started).resolves.toBe(false);
  });

  it('WhenTheFirstAttemptStarts_TriesOnceAndReportsNoError', async () => {
    let calls = 0;
    const onError = jest.fn();
    const kept = keepStarting(
      () => {
        calls++;
        return Promise.resolve();
      },
      { onError, backoff: fast },
    );
    await expect(kept.started).resolves.toBe(true);
    expect(calls).toBe(1);
    expect(onError).not.toHaveBeenCalled();
  });

  it('WhenTheFirstAttemptFails_FirstAttemptSettlesBeforeTheRetrySucceeds', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const retryMayStart = new Promise<void>((resolve) => (release = resolve));
    const kept = keepStarting(
      async () => {
        calls++;
        if (calls === 1) throw new Error('broker down');
        await retryMayStart;
      },
      { onError: () => undefined, backoff: fast },
    );
    await kept.firstAttempt;
    let started = false;
    void kept.started.then(() => (started = true));
    await new Promise((r) => setImmediate(r));
    expect(started).toBe(false);
    release();
    await expect(kept.started).resolves.toBe(true);
    expect(calls).toBe(2);
  });

  it('WhenTheErrorReportItselfThrows_GoesOnTrying', async () => {
    let calls = 0;
    const kept = keepStarting(
      () => {
        calls++;
        return calls === 1 ? Promise.reject(new Error('broker down')) : Promise.resolve();
      },
      {
        onError: () => {
          throw new Error('the logger is gone');
        },
        backoff: fast,
      },
    );
    await expect(kept.started).resolves.toBe(true);
    expect(calls).toBe(2);
  });
});
