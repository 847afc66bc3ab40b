import { waitUntil } from './wait';

/** A probe that answers each of `answers` in turn (the last one from then on), counting its calls. */
function answering(...answers: (() => unknown)[]): { probe: () => unknown; calls: () => number } {
  let calls = 0;
  return {
    probe: () => answers[Math.min(calls++, answers.length - 1)]!(),
    calls: () => calls,
  };
}

const fail = (e: unknown) => () => {
  throw e;
};

/** What `promise` rejected with; fails the test if it resolved. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error & { cause?: unknown }> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${String(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error & { cause?: unknown };
}

describe(waitUntil.name, () => {
  it('keeps waiting while the probe answers null, as for undefined and false', async () => {
    const sut = answering(
      () => null,
      () => undefined,
      () => false,
      () => null,
      () => '2011-06-10T08:00:00Z',
    );

    const published = await waitUntil('published_at to be set', sut.probe, { timeoutMs: 5_000, intervalMs: 1 });

    expect(published).toBe('2011-06-10T08:00:00Z');
    expect(sut.calls()).toBe(5);
  });

  it('fails with the last value when the probe only ever answers null', async () => {
    const error = await rejectionOf(waitUntil('published_at to be set', () => null, { timeoutMs: 50, intervalMs: 5 }));

    expect(error.message).toBe('timed out after 50 ms waiting for published_at to be set: last value: null');
  });

  it('takes 0 and the empty string as answers that hold, at the first try', async () => {
    const zero = answering(() => 0);
    const empty = answering(() => '');

    expect(await waitUntil('a count', zero.probe, { timeoutMs: 1_000 })).toBe(0);
    expect(await waitUntil('a text', empty.probe, { timeoutMs: 1_000 })).toBe('');
    expect([zero.calls(), empty.calls()]).toEqual([1, 1]);
  });

  it('tries a probe that threw again, and returns once it holds', async () => {
    const sut = answering(fail(new Error('ECONNREFUSED')), fail('not a real error'), () => ({ id: 7 }));

    expect(await waitUntil('the row', sut.probe, { timeoutMs: 5_000, intervalMs: 1 })).toEqual({ id: 7 });
    expect(sut.calls()).toBe(3);
  });

  // Jest's own timeout would be the only end of a probe that never settles: this one is short.
  it('fails at its deadline while a probe has not settled, naming what the tries before it saw', async () => {
    const sut = answering(
      () => false,
      () => new Promise<never>(() => undefined),
    );
    const started = Date.now();

    const error = await rejectionOf(waitUntil('a hanging probe', sut.probe, { timeoutMs: 300, intervalMs: 1 }));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.message).toBe(
      'timed out after 300 ms waiting for a hanging probe: the last probe had not answered; before it, last value: false',
    );
  }, 5_000);

  it('fails at its deadline when the very first probe never settles', async () => {
    const error = await rejectionOf(waitUntil('a hanging probe', () => new Promise<never>(() => undefined), { timeoutMs: 100 }));

    expect(error.message).toBe('timed out after 100 ms waiting for a hanging probe: the last probe had not answered');
  }, 5_000);

  it('reports the last outcome, not an error from an earlier try', async () => {
    const sut = answering(fail(new Error('ECONNREFUSED from the first try')), () => false);

    const error = await rejectionOf(waitUntil('the flag', sut.probe, { timeoutMs: 100, intervalMs: 5 }));

    expect(error.message).toBe('timed out after 100 ms waiting for the flag: last value: false');
    expect(error.cause).toBeUndefined();
  });

  it('reports the last error with its message and sets it as the cause', async () => {
    const last = new TypeError('rows[0] is undefined');
    const sut = answering(() => false, fail(last));

    const error = await rejectionOf(waitUntil('the row', sut.probe, { timeoutMs: 100, intervalMs: 5 }));

    expect(error.message).toBe('timed out after 100 ms waiting for the row: TypeError: rows[0] is undefined');
    expect(error.cause).toBe(last);
  });

  it('reports something thrown that is not an Error, and sets it as the cause', async () => {
    const thrown = { code: '40001', detail: 'could not serialize access' };

    const error = await rejectionOf(waitUntil('the commit', fail(thrown), { timeoutMs: 100, intervalMs: 5 }));

    expect(error.message).toBe(
      "timed out after 100 ms waiting for the commit: threw { code: '40001', detail: 'could not serialize access' }",
    );
    expect(error.cause).toBe(thrown);
  });
});
