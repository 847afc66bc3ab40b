/** A write a handler collects over one inbox transaction and sends once, after the transaction's last handler. */
export interface DeferredWrite<TTx> {
  flush(tx: TTx): Promise<void>;
}

/**
 * The deferred writes of one inbox transaction, by key: a handler that collects its rows here
 * (`get(key, init)` gives the same collector to every handler of the transaction) writes a whole
 * chunk's events with one set-based statement instead of one statement per event. `flush` sends
 * them in the order their keys were first used, before COMMIT; a new transaction starts empty,
 * so nothing a rolled-back attempt collected is ever written. Deferring moves a handler's write
 * after the writes of handlers that did not defer: use it where that order does not matter
 * (idempotent upserts keyed by id and version, inserts keyed by event).
 */
export class DeferredWrites<TTx> {
  private readonly writes = new Map<string, DeferredWrite<TTx>>();

  get<W extends DeferredWrite<TTx>>(key: string, init: () => W): W {
    let w = this.writes.get(key);
    if (!w) this.writes.set(key, (w = init()));
    return w as W;
  }

  /** Sends every collected write, then forgets them (a second flush sends nothing). */
  async flush(tx: TTx): Promise<void> {
    const writes = [...this.writes.values()];
    this.writes.clear();
    for (const w of writes) await w.flush(tx);
  }
}
