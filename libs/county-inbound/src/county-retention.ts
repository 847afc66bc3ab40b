import { qualifiedTable, type MessagingLogger } from '@vanguard/messaging';
import { COUNTY_MESSAGES_TABLE } from './county-inbound.schema';
import type { CountyInboundStore } from './county-inbound.store';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long the gate remembers a (county, message id), and how it forgets older ones. */
export interface CountyRetentionOptions {
  /**
   * The idempotency window: a message id is answered `duplicate` for at least this long after
   * it was decided. Default 30 days: longer than the inbound topic's retention (7 days), so a
   * redelivery from offsets is always recognised, and than the reply topics' (14 days), so a
   * county back from two weeks offline still gets its original outcomes by resending.
   */
  readonly windowMs?: number;
  /** Time between prunes; default one hour. The first runs a minute after start (or sooner). */
  readonly everyMs?: number;
  /** Rows deleted per transaction; default 1,000, so no prune holds locks or a connection for long. */
  readonly batchSize?: number;
}

export const DEFAULT_COUNTY_RETENTION = { windowMs: 30 * DAY, everyMs: HOUR, batchSize: 1_000 } as const;

export interface PruneResult {
  readonly deleted: number;
  readonly batches: number;
}

/**
 * Deletes county_messages rows older than the window, in short transactions of `batchSize` rows,
 * taking only rows nobody holds (`skip locked`): it never waits on the gate, and the gate waits on
 * it for one small batch at most. county_subjects is kept (one row per subject, not per message):
 * an applied message resent after the window is refused COUNTY.STALE by its subject's sequence,
 * never applied twice.
 */
export class CountyRetention<TTx> {
  private readonly table: string;
  private readonly windowMs: number;
  private readonly everyMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /** Set by stop(): a scheduled run ends after its current batch. */
  private halting = false;

  constructor(
    private readonly store: CountyInboundStore<TTx>,
    options: CountyRetentionOptions & { schema?: string },
    private readonly now: () => Date,
    private readonly log: MessagingLogger,
  ) {
    this.table = qualifiedTable(COUNTY_MESSAGES_TABLE, options.schema);
    this.windowMs = options.windowMs ?? DEFAULT_COUNTY_RETENTION.windowMs;
    this.everyMs = options.everyMs ?? DEFAULT_COUNTY_RETENTION.everyMs;
    this.batchSize = options.batchSize ?? DEFAULT_COUNTY_RETENTION.batchSize;
    if (!(this.windowMs > 0) || !(this.batchSize > 0)) throw new Error('county retention: windowMs and batchSize must be positive');
  }

  get window(): number {
    return this.windowMs;
  }

  /**
   * Prunes now and then every `everyMs`, until stop(); the timer never keeps the process alive.
   * Once stopped it stays stopped: a gate whose start was still in flight at shutdown must not
   * leave a prune timer behind.
   */
  start(): void {
    this.schedule(Math.min(60_000, this.everyMs));
  }

  async stop(): Promise<void> {
    this.halting = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Everything older than the window, batch by batch; stops between batches once stop() was called. */
  async prune(): Promise<PruneResult> {
    const before = new Date(this.now().getTime() - this.windowMs);
    let deleted = 0;
    let batches = 0;
    for (;;) {
      const rows = await this.store.transaction((_tx, q) =>
        q(
          `with old as (
             select county_client_id, message_id from ${this.table}
              where recorded_at < $1 order by recorded_at limit $2 for update skip locked)
           delete from ${this.table} m using old
            where m.county_client_id = old.county_client_id and m.message_id = old.message_id
           returning m.message_id`,
          [before, this.batchSize],
        ),
      );
      batches++;
      deleted += rows.length;
      if (rows.length < this.batchSize || this.halting) return { deleted, batches };
    }
  }

  private schedule(delayMs: number): void {
    if (this.halting) return;
    this.timer = setTimeout(() => {
      const run = this.prune()
        .then((r) => {
          if (r.deleted) this.log.info({ ...r, windowMs: this.windowMs }, 'county messages older than the idempotency window pruned');
        })
        .catch((err: unknown) => this.log.warn({ err }, 'pruning county messages failed; trying again later'));
      this.running = run;
      void run.finally(() => this.schedule(this.everyMs));
    }, delayMs);
    this.timer.unref();
  }
}
