import type { Pool } from 'pg';
import { AdvisoryLease, LeaseLostError } from './advisory-lease';
import { HeldBackPause } from './held-back';
import { PgListener } from './pg-listener';
import { storeChannel } from './schema';
import type { EventBatch, GlobalCheckpoint, RecordedEvent } from './types';
import { START } from './types';

export interface SubscriptionOptions {
  /** Durable name: the checkpoint is stored under it, and only one instance per name delivers. */
  readonly name: string;
  /**
   * Called once per event, in global order; throw to stop at this event (it is redelivered).
   * Give `handler` or `batchHandler`, not both.
   */
  readonly handler?: (event: RecordedEvent) => Promise<void> | void;
  /**
   * Called once per page (up to `batchSize` events, in global order), for read models that
   * write a page in a few statements rather than a few per event. Throw to have the whole
   * page delivered again: nothing of it is checkpointed.
   */
  readonly batchHandler?: (events: readonly RecordedEvent[]) => Promise<void>;
  readonly batchSize?: number;
  /**
   * The fallback: how often to look for new events when no notification wakes the
   * subscription (one sent while the listener was reconnecting is lost), and how often a
   * standby tries to take the lease. Default 1 s.
   */
  readonly pollIntervalMs?: number;
  /**
   * LISTEN for the store's append notifications, on a connection of its own; default true.
   * Turn off where LISTEN cannot work (a transaction-pooling PgBouncer): then it only polls.
   */
  readonly notifications?: boolean;
  /** Reconnect backoff of the listening connection; default 100 ms doubling to 5 s. */
  readonly listenerBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** After a handler error (progress up to the failing event is checkpointed first), a read error (no event), or a lost connection. */
  readonly onError?: (error: unknown, event?: RecordedEvent) => void;
  /** Wait before retrying from the checkpoint after an error; default 1 s. */
  readonly retryDelayMs?: number;
  /**
   * How long a silent owner can keep the lease: Postgres ends a lease session that sent
   * nothing for this long (freeing the lock for a standby), and the owner stops delivering
   * after half of it without an answer from its lease connection. Default 10 s, at least 1 s.
   */
  readonly leaseTimeoutMs?: number;
}

interface PageSource {
  readAllPage(after: GlobalCheckpoint, batchSize: number): Promise<EventBatch>;
}

/**
 * Stores a checkpoint (`$1` name, `$2` transaction id, `$3` position) unless the stored one is
 * already as far or further: the row lock makes racing writers take turns, and each compares
 * with what the one before it committed, so the stored checkpoint never moves backwards however
 * the writers' commits interleave (a former owner or leader committing late). Shared by the
 * subscriptions and @vanguard/messaging's store relay.
 */
export function saveCheckpointSql(schema: string): string {
  return `insert into "${schema}".subscription_checkpoints as c (subscription, transaction_id, position)
       values ($1, $2::xid8, $3)
       on conflict (subscription) do update
         set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()
         where (c.transaction_id, c.position) < (excluded.transaction_id, excluded.position)`;
}

/**
 * At-least-once delivery of all events in global order, with the position stored in
 * `subscription_checkpoints` after every batch (and up to the last handled event when a
 * handler fails), so a new instance after a crash resumes where the last one got to.
 * Handlers must be idempotent (key on eventId): a crash between handling and checkpointing
 * redelivers that batch.
 *
 * One owner per name: an instance delivers only while it holds a session advisory lock keyed
 * by (schema, name) on a connection of its own. Other instances with the same name stand by,
 * try the lock every `pollIntervalMs`, and the one that gets it resumes from the stored
 * checkpoint once the owner stops or its connection ends.
 *
 * Caught up, the owner sleeps until the store's append notification wakes it, with the timed
 * poll only as a fallback for notifications lost while its listener was reconnecting.
 */
export class Subscription {
  private stopping = false;
  private loop: Promise<void> | null = null;
  /** Ends any sleep: stop, a lost lease. */
  private wake: (() => void) | null = null;
  /** Ends only a sleep that waits for new events; a standby's or an error's sleep ignores notifications. */
  private wakeForEvents: (() => void) | null = null;
  /** Set by a notification; a read clears it, so one arriving during a read is not slept through. */
  private notified = false;
  private owning = false;
  private checkpoint: GlobalCheckpoint = START;
  private delivered = 0;
  private reads = 0;
  private readonly lease: AdvisoryLease;
  private readonly listener: PgListener | null;

  constructor(
    private readonly source: PageSource,
    pool: Pool,
    private readonly schema: string,
    private readonly options: SubscriptionOptions,
  ) {
    if (!options.name) throw new TypeError('subscription needs a name');
    if (!options.handler === !options.batchHandler) throw new TypeError('subscription needs a handler or a batchHandler, not both');
    this.lease = new AdvisoryLease(
      pool,
      [`vanguard-subscription:${schema}`, options.name],
      `lease ${schema}.${options.name}`,
      () => this.wake?.(),
      options.leaseTimeoutMs,
    );
    this.listener =
      options.notifications === false
        ? null
        : new PgListener(pool, {
            channel: storeChannel(schema),
            onNotification: () => this.notify(),
            // Anything appended while the listener was down sent a notification nobody heard.
            onListening: () => this.notify(),
            onError: (e) => this.options.onError?.(e),
            backoff: options.listenerBackoff,
          });
  }

  get position(): GlobalCheckpoint {
    return this.checkpoint;
  }

  /** Events handled successfully by this instance. */
  get deliveredCount(): number {
    return this.delivered;
  }

  /** Pages read so far (empty ones included): lets callers wait for "it looked again". */
  get readCount(): number {
    return this.reads;
  }

  /** Whether this instance holds the subscription's lease, i.e. is the one delivering. */
  get isOwner(): boolean {
    return this.owning && this.lease.held;
  }

  /** Whether the append notifications can wake it right now (false: it relies on the poll). */
  get listening(): boolean {
    return this.listener?.listening ?? false;
  }

  start(): void {
    if (this.loop) return;
    this.listener?.start();
    this.loop = this.run().finally(async () => {
      await this.listener?.stop();
      await this.lease.release();
    });
  }

  /** Lets the handler in progress finish, saves the checkpoint, hands the lease on, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const poll = this.options.pollIntervalMs ?? 1000;
    const retryDelay = this.options.retryDelayMs ?? 1000;
    const heldBack = new HeldBackPause(poll);
    while (!this.stopping) {
      if (this.owning && !this.lease.held) {
        // The lease's connection ended, or went quiet for so long that the server may have
        // freed the lock: end it for good. Wait a round before competing again, so a standby
        // that is already connected takes over rather than this instance flapping back.
        this.owning = false;
        this.lease.abandon();
        this.options.onError?.(new LeaseLostError(`lease ${this.schema}.${this.options.name}`));
        await this.sleep(poll, false);
        continue;
      }
      if (!this.owning) {
        try {
          if (!(await this.lease.tryAcquire())) {
            await this.sleep(poll, false);
            continue;
          }
          // Taking over: the previous owner may have moved the checkpoint since we last looked.
          this.checkpoint = await this.loadCheckpoint();
          this.owning = true;
        } catch (error) {
          if (this.stopping) break;
          this.options.onError?.(error);
          await this.sleep(retryDelay, false);
          continue;
        }
      }
      let batch: EventBatch;
      this.notified = false;
      try {
        batch = await this.source.readAllPage(this.checkpoint, batchSize);
        this.reads++;
      } catch (error) {
        if (this.stopping) break;
        this.options.onError?.(error);
        await this.sleep(retryDelay, false);
        continue;
      }
      if (batch.events.length === 0) {
        if (batch.heldBack) {
          await this.sleep(heldBack.take(), true);
        } else {
          heldBack.reset();
          await this.sleep(poll, true);
        }
        continue;
      }
      heldBack.reset();
      try {
        if (!(await this.deliver(batch))) await this.sleep(retryDelay, false);
      } catch (error) {
        // The checkpoint could not be saved: the events after the stored one come again.
        if (this.stopping) break;
        this.options.onError?.(error);
        await this.sleep(retryDelay, false);
      }
    }
  }

  /** Hands the batch to the handler while this instance owns the lease; false if the handler failed. */
  private async deliver(batch: EventBatch): Promise<boolean> {
    if (this.options.batchHandler) return this.deliverPage(batch, this.options.batchHandler);
    const handler = this.options.handler!;
    let reached = this.checkpoint;
    for (const event of batch.events) {
      // The lease, not a flag: it stops being held once its connection is silent for half the lease timeout.
      if (this.stopping || !this.lease.held) break;
      try {
        await handler(event);
      } catch (error) {
        await this.saveCheckpoint(reached);
        this.options.onError?.(error, event);
        return false;
      }
      reached = { transactionId: event.transactionId, position: event.position };
      this.delivered++;
    }
    await this.saveCheckpoint(reached);
    return true;
  }

  private async deliverPage(batch: EventBatch, batchHandler: (events: readonly RecordedEvent[]) => Promise<void>): Promise<boolean> {
    // The lease, checked before and after: an owner that lost it mid-page must not move the checkpoint.
    if (this.stopping || !this.lease.held) return true;
    try {
      await batchHandler(batch.events);
    } catch (error) {
      this.options.onError?.(error, batch.events[0]);
      return false;
    }
    const last = batch.events[batch.events.length - 1]!;
    this.delivered += batch.events.length;
    await this.saveCheckpoint({ transactionId: last.transactionId, position: last.position });
    return true;
  }

  private notify(): void {
    this.notified = true;
    this.wakeForEvents?.();
  }

  /** Read on the lease's session right after taking the lock: every write of the previous holder has committed by then. */
  private async loadCheckpoint(): Promise<GlobalCheckpoint> {
    const rows = await this.lease.fenced<{ transaction_id: string; position: string }>(
      (holdsLock) =>
        `select transaction_id, position from "${this.schema}".subscription_checkpoints where subscription = $1 and ${holdsLock}`,
      [this.options.name],
    );
    const r = rows[0];
    return r ? { transactionId: r.transaction_id, position: Number(r.position) } : START;
  }

  /**
   * Fenced on the lease: written on the lease's own session, which holds the lock for exactly
   * as long as it lives (the heartbeat checks pg_locks; doing so here too would cost about a
   * millisecond per batch). An owner that lost its lease mid-batch therefore cannot move the
   * checkpoint, however late its handler returns. Never moves backwards either.
   */
  private async saveCheckpoint(cp: GlobalCheckpoint): Promise<void> {
    if (cp === this.checkpoint || !this.lease.held) return;
    await this.lease.onSession(saveCheckpointSql(this.schema), [this.options.name, cp.transactionId, cp.position]);
    this.checkpoint = cp;
  }

  /** `forEvents`: a notification (or one that came during the last read) ends it early. */
  private sleep(ms: number, forEvents: boolean): Promise<void> {
    if (this.stopping || (forEvents && this.notified)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake = null;
        this.wakeForEvents = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake = done;
      this.wakeForEvents = forEvents ? done : null;
    });
  }
}
