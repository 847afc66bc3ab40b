// Projection lag for bench/evaluation/run.ts: from the moment a command's answer arrives to the
// moment its pledge shows that version in pledge_view. Rows changed lately are polled every 20 ms.
import type { Pool } from 'pg';
import { percentile } from './http-load';

export class LagWatch {
  /** `<pledgeId>` → versions answered and not yet seen, with when they were answered. */
  private readonly waiting = new Map<string, Map<number, number>>();
  private readonly lags: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly pool: Pool) {}

  expect(pledgeId: string, version: number): void {
    const m = this.waiting.get(pledgeId) ?? new Map<number, number>();
    m.set(version, performance.now());
    this.waiting.set(pledgeId, m);
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), 20);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Waits up to 30 s for every answered version to show; what never shows is counted at the wait's end. */
  async finish(): Promise<{ p50Ms: number; p99Ms: number; maxMs: number; samples: number; unseen: number }> {
    const deadline = performance.now() + 30_000;
    while (this.pending() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.stop();
    const unseen = this.pending();
    const now = performance.now();
    for (const m of this.waiting.values()) for (const at of m.values()) this.lags.push(now - at);
    return {
      p50Ms: percentile(this.lags, 0.5),
      p99Ms: percentile(this.lags, 0.99),
      maxMs: Math.round(Math.max(0, ...this.lags)),
      samples: this.lags.length,
      unseen,
    };
  }

  private pending(): number {
    let n = 0;
    for (const m of this.waiting.values()) n += m.size;
    return n;
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.waiting.size) return;
    this.polling = true;
    try {
      const ids = [...this.waiting.keys()];
      const { rows } = await this.pool.query<{ pledge_id: string; version: number }>(
        `select pledge_id, version from evaluation.pledge_view where pledge_id = any($1::uuid[])`,
        [ids],
      );
      const now = performance.now();
      for (const r of rows) {
        const m = this.waiting.get(r.pledge_id);
        if (!m) continue;
        for (const [v, at] of m) {
          if (v > r.version) continue;
          this.lags.push(now - at);
          m.delete(v);
        }
        if (!m.size) this.waiting.delete(r.pledge_id);
      }
    } finally {
      this.polling = false;
    }
  }
}
