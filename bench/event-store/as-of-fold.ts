import type { RecordedEvent } from '@vanguard/event-store';

/** The fold the as-of figure times: a running total of the bench's `bench.Scored` events. */
export const scoreFold = {
  initialState: () => ({ total: 0, n: 0 }),
  evolve: (s: { total: number; n: number }, e: RecordedEvent) => ({ total: s.total + (e.data as { amount: number }).amount, n: s.n + 1 }),
};

/** p50, p99 and max of `n` sequential calls of `f`, after 20 warm-up calls (ms, two decimals). */
export async function latencies(n: number, f: () => Promise<void>): Promise<{ p50: number; p99: number; max: number }> {
  for (let i = 0; i < 20; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]! * 100) / 100;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}
