import type { Pool } from 'pg';
import type { EventBatch, GlobalCheckpoint, RecordedEvent } from './types';
import { START } from './types';

export interface SubscriptionOptions {
  /** Durable name: the checkpoint is stored under it. */
  readonly name: string;
  /** Called once per event, in global order; throw to stop at this event (it is redelivered). */
  readonly handler: (event: RecordedEvent) => Promise<void> | void;
  readonly batchSize?: number;
  /** How often to look for new events once caught up. */
  readonly pollIntervalMs?: number;
  /** After a handler error (progress up to the failing event is checkpointed first) or a read error (no event). */
  readonly onError?: (error: unknown, event?: RecordedEvent) => void;
  /** Wait before retrying from the checkpoint after an error; default 1 s. */
  readonly retryDelayMs?: number;
}

interface PageSource {
  readAllPage(after: GlobalCheckpoint, batchSize: number): Promise<EventBatch>;
}

/**
 * At-least-once delivery of all events in global order, with the position stored in
 * `subscription_checkpoints` after every batch (and up to the last handled event when a
 * handler fails), so a new instance after a crash resumes where the last one got to.
 * Handlers must be idempotent (key on eventId): a crash between handling and checkpointing
 * redelivers that batch.
 */
export class Subscription {
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private checkpoint: GlobalCheckpoint = START;
  private delivered = 0;
  private reads = 0;

  constructor(
    private readonly source: PageSource,
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly options: SubscriptionOptions,
  ) {
    if (!options.name) throw new TypeError('subscription needs a name');
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

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** Lets the handler in progress finish, saves the checkpoint, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const poll = this.options.pollIntervalMs ?? 100;
    this.checkpoint = await this.loadCheckpoint();
    while (!this.stopping) {
      let batch: EventBatch;
      try {
        batch = await this.source.readAllPage(this.checkpoint, batchSize);
        this.reads++;
      } catch (error) {
        if (this.stopping) break;
        this.options.onError?.(error);
        await this.sleep(this.options.retryDelayMs ?? 1000);
        continue;
      }
      if (batch.events.length === 0) {
        await this.sleep(poll);
        continue;
      }
      let reached = this.checkpoint;
      let failed = false;
      for (const event of batch.events) {
        if (this.stopping) break;
        try {
          await this.options.handler(event);
        } catch (error) {
          failed = true;
          await this.saveCheckpoint(reached);
          this.options.onError?.(error, event);
          break;
        }
        reached = { transactionId: event.transactionId, position: event.position };
        this.delivered++;
      }
      if (!failed) await this.saveCheckpoint(reached);
      if (failed) await this.sleep(this.options.retryDelayMs ?? 1000);
    }
  }

  private async loadCheckpoint(): Promise<GlobalCheckpoint> {
    const { rows } = await this.pool.query<{ transaction_id: string; position: string }>(
      `select transaction_id, position from "${this.schema}".subscription_checkpoints where subscription = $1`,
      [this.options.name],
    );
    const r = rows[0];
    return r ? { transactionId: r.transaction_id, position: Number(r.position) } : START;
  }

  private async saveCheckpoint(cp: GlobalCheckpoint): Promise<void> {
    if (cp === this.checkpoint) return;
    // Never moves backwards, even if two instances of the same subscription overlap.
    await this.pool.query(
      `insert into "${this.schema}".subscription_checkpoints as c (subscription, transaction_id, position)
       values ($1, $2::xid8, $3)
       on conflict (subscription) do update
         set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()
         where (c.transaction_id, c.position) < (excluded.transaction_id, excluded.position)`,
      [this.options.name, cp.transactionId, cp.position],
    );
    this.checkpoint = cp;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
