import { inspect } from 'node:util';

/** What a probe may answer while its condition does not hold yet. */
type NotYet = undefined | null | false;

/** One try of the probe: its answer, what it threw, or nothing before the deadline. */
type Outcome = { readonly answered: unknown } | { readonly threw: unknown } | 'no answer';

/**
 * Polls a condition until it holds or the deadline passes: tests wait on facts, never on sleeps.
 * The probe's answer is the condition: `undefined`, `null` and `false` mean "not yet" (a column
 * still null, a row not found), anything else holds and is returned — `0` and `''` included. A
 * probe that throws is tried again. Each try is raced against the time left, so a probe that never
 * settles fails at `timeoutMs` too; the error names the last outcome (the last error, set as its
 * `cause`, or the last value) so a timeout says what the probe saw. A probe cut off so is not
 * cancelled: it runs on, holding whatever it holds (a pool client), after the test has failed.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | NotYet> | T | NotYet,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Outcome | undefined;
  for (;;) {
    const outcome = await tryWithin(probe, deadline - Date.now());
    if (outcome !== 'no answer' && 'answered' in outcome && !isNotYet(outcome.answered)) return outcome.answered as T;
    const left = deadline - Date.now();
    if (outcome === 'no answer' || left <= 0) throw timedOut(what, timeoutMs, outcome, last);
    last = outcome;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
}

function isNotYet(value: unknown): value is NotYet {
  return value === undefined || value === null || value === false;
}

async function tryWithin(probe: () => unknown, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  try {
    // Promise.resolve().then: a probe that throws synchronously counts as a rejection.
    const answer = Promise.resolve().then(probe);
    return await Promise.race([
      answer.then(
        (answered): Outcome => ({ answered }),
        (threw: unknown): Outcome => ({ threw }),
      ),
      new Promise<Outcome>((resolve) => {
        timer = setTimeout(() => resolve('no answer'), Math.max(ms, 0));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function timedOut(what: string, timeoutMs: number, outcome: Outcome, earlier: Outcome | undefined): Error {
  const seen = outcome === 'no answer' ? earlier : outcome;
  const pending = outcome === 'no answer' ? `the last probe had not answered${seen ? '; before it, ' : ''}` : '';
  const detail =
    seen === undefined || seen === 'no answer' ? '' : 'threw' in seen ? describeError(seen.threw) : `last value: ${show(seen.answered)}`;
  const error = new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${pending}${detail}`);
  if (seen !== undefined && seen !== 'no answer' && 'threw' in seen) error.cause = seen.threw;
  return error;
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : `threw ${show(e)}`;
}

function show(value: unknown): string {
  return inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 300 });
}
