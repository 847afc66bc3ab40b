/**
 * How long a reader waits before looking again at events that committed behind a transaction
 * still open somewhere on the server (a page that came back empty but `heldBack`).
 *
 * The wait starts short, because the open transaction is usually another append about to
 * commit, and doubles while the page stays held back. It stops doubling at a second: the
 * transaction that holds the horizon may be anyone's (a long import, another service's batch),
 * its end sends no notification, and a reader that had doubled towards a minute-long idle pause
 * would sleep through it. Found by a relay that waited over a minute after the horizon moved.
 */
export class HeldBackPause {
  static readonly FIRST_MS = 5;
  static readonly MAX_MS = 1_000;
  private next = HeldBackPause.FIRST_MS;

  /** @param ceilingMs the reader's own idle pause: a held-back wait is never longer. */
  constructor(private readonly ceilingMs: number) {}

  /** The wait before the next look, given that this one found only held-back events. */
  take(): number {
    const wait = Math.min(this.next, HeldBackPause.MAX_MS, this.ceilingMs);
    this.next = Math.min(this.next * 2, HeldBackPause.MAX_MS);
    return wait;
  }

  /** The reader found events, or none waiting: the next hold starts short again. */
  reset(): void {
    this.next = HeldBackPause.FIRST_MS;
  }
}
