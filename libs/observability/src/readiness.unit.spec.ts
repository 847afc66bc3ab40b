import { waitUntil } from '@vanguard/testing';
import { Readiness, READINESS_CACHE_MS, type ReadinessProbe } from './readiness';

/** A probe the test answers by hand, counting how often it was started. */
function heldProbe(name: string) {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let started = 0;
  const probe: ReadinessProbe = {
    name,
    check: () => {
      started++;
      return new Promise<void>((resolve, reject) => void pending.push({ resolve, reject }));
    },
  };
  /** The attempt in flight, once the check has started it. */
  const attempt = () => waitUntil(`a ${name} check to start`, () => pending.shift());
  return { probe, attempt, started: () => started };
}

describe(Readiness.name, () => {
  let clock = 0;
  const now = () => clock;
  const log = { warn: jest.fn(), log: jest.fn() };
  beforeEach(() => {
    clock = 0;
    log.warn.mockReset();
    log.log.mockReset();
  });

  it('Check_WhenTheLastResultIsFresh_AnswersItWithoutProbing_AndProbesAgainOnceItLapses', async () => {
    const { probe, attempt, started } = heldProbe('kafka');
    const sut = new Readiness([probe], { now, log });

    const first = sut.check();
    const joined = sut.check();
    (await attempt()).resolve();
    expect(await first).toEqual([{ name: 'kafka', up: true }]);
    expect(await joined).toBe(await first);
    clock += READINESS_CACHE_MS - 1;
    await sut.check();
    expect(started()).toBe(1);

    clock += 1;
    const next = sut.check();
    (await attempt()).reject(new Error('broker 10.0.0.7:9092 refused'));
    expect(await next).toEqual([{ name: 'kafka', up: false }]);
    expect(started()).toBe(2);
  });

  it('Check_WhenAProbeNeverAnswers_ReportsItDownAfterTheBound_AndWaitsOnTheSameAttemptNextRound', async () => {
    const { probe, started } = heldProbe('postgres');
    const sut = new Readiness([probe, { name: 'keycloak', check: () => Promise.resolve() }], { timeoutMs: 20, cacheMs: 0, now, log });

    expect(await sut.check()).toEqual([
      { name: 'postgres', up: false },
      { name: 'keycloak', up: true },
    ]);
    expect(await sut.check()).toEqual([
      { name: 'postgres', up: false },
      { name: 'keycloak', up: true },
    ]);
    expect(started()).toBe(1);
    expect(log.warn.mock.calls).toEqual([['readiness: postgres is down: no answer within 20 ms']]);
  });

  it('Check_WhenAComponentGoesDownAndComesBack_LogsEachChangeOnce', async () => {
    let failure: Error | undefined = new Error('http://keycloak:8180/certs answered 503');
    const sut = new Readiness([{ name: 'keycloak', check: () => (failure ? Promise.reject(failure) : Promise.resolve()) }], {
      cacheMs: 0,
      now,
      log,
    });

    await sut.check();
    await sut.check();
    failure = undefined;
    await sut.check();
    await sut.check();

    expect(log.warn.mock.calls).toEqual([['readiness: keycloak is down: http://keycloak:8180/certs answered 503']]);
    expect(log.log.mock.calls).toEqual([['readiness: keycloak answers again']]);
  });
});
