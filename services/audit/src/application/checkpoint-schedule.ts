import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AUDITED_SCHEMAS, type AuditedContext } from '../infrastructure/audit-database';
import type { WitnessCosignatures } from './witness-cosignatures';

export interface CheckpointTriggers {
  /** Publish every this often; 0: off (tests publish on demand). */
  readonly intervalMs: number;
  /** Publish once the log has grown by at least this many events since the latest published checkpoint; 0: off. */
  readonly everyEvents: number;
  /**
   * How often the store's growth is looked at without a wake-up: events an older open
   * transaction held below the safe horizon, notifications lost while the listener reconnected.
   */
  readonly growthPollMs?: number;
}

/** What the growth trigger needs of the log: its size once caught up with the store. */
export interface GrowingLog {
  size(context: AuditedContext): Promise<number>;
}

/** Calls `wake` when the store of `context` appended (LISTEN on its channel); `stop` ends it. */
export type AppendWakeUps = (context: AuditedContext, wake: () => void) => { start(): void; stop(): Promise<void> };

/**
 * Publishes checkpoints of each audited store (issue 12: "taken on a schedule and on demand"; and
 * every N events): at start and every `intervalMs`, so witnesses polling at different moments meet
 * on the same checkpoint; and, with `everyEvents`, as soon as the log has grown by N since the
 * latest published one, so a burst of decisions is covered within moments rather than at the next
 * tick. Growth is looked at when the store notifies an append and every `growthPollMs`.
 * Everything publishes through one queue, so two triggers never sign the same size twice.
 */
export class CheckpointSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly queued = new Set<AuditedContext>();
  /** The log size last looked at, per store: an idle poll asks the database nothing more. */
  private readonly seen = new Map<AuditedContext, number>();
  private readonly listeners: { stop(): Promise<void> }[] = [];
  private stopped = false;

  constructor(
    private readonly witnesses: WitnessCosignatures,
    private readonly triggers: CheckpointTriggers,
    private readonly log?: GrowingLog,
    private readonly wakeUps?: AppendWakeUps,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`[audit] ${m}\n`),
  ) {}

  onApplicationBootstrap(): void {
    if (this.triggers.intervalMs > 0) {
      this.tick();
      this.timer = setInterval(() => this.tick(), this.triggers.intervalMs);
      this.timer.unref();
    }
    if (this.triggers.everyEvents > 0 && this.log) {
      for (const context of AUDITED_SCHEMAS) {
        const listener = this.wakeUps?.(context, () => this.grown(context));
        listener?.start();
        if (listener) this.listeners.push(listener);
        this.grown(context);
      }
      this.poll = setInterval(() => AUDITED_SCHEMAS.forEach((c) => this.grown(c)), this.triggers.growthPollMs ?? 1000);
      this.poll.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.poll);
    await Promise.all(this.listeners.map((l) => l.stop()));
    await this.running;
  }

  private tick(): void {
    this.running = this.running.then(async () => {
      for (const context of AUDITED_SCHEMAS)
        await this.witnesses
          .publish(context)
          .catch((e: unknown) => this.warn(`checkpoint of ${context} not published: ${(e as Error).message}`));
    });
  }

  /** Looks at the store's growth once (wake-ups arriving meanwhile are one look) and publishes past N. */
  private grown(context: AuditedContext): void {
    if (this.stopped || this.queued.has(context)) return;
    this.queued.add(context);
    this.running = this.running.then(async () => {
      this.queued.delete(context);
      if (this.stopped) return;
      try {
        const size = await this.log!.size(context);
        if (size === this.seen.get(context)) return;
        // Read each time: a scheduled or on-demand checkpoint since counts as the latest too.
        if (size - (await this.witnesses.latestSize(context)) >= this.triggers.everyEvents) await this.witnesses.publish(context);
        // Only once decided: a publication that failed is tried again at the next look.
        this.seen.set(context, size);
      } catch (e) {
        this.warn(`checkpoint of ${context} after growth not published: ${(e as Error).message}`);
      }
    });
  }
}
