import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AUDITED_SCHEMAS } from '../infrastructure/audit-database';
import type { WitnessCosignatures } from './witness-cosignatures';

/**
 * Publishes a checkpoint of each audited store at start and then every `intervalMs` (issue 12:
 * "taken on a schedule and on demand"), so witnesses polling at different moments meet on the
 * same checkpoint instead of each getting one of its own. 0 turns the schedule off (tests
 * publish on demand).
 */
export class CheckpointSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly witnesses: WitnessCosignatures,
    private readonly intervalMs: number,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`[audit] ${m}\n`),
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
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
}
