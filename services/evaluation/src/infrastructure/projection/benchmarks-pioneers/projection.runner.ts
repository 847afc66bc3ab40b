import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PostgresEventStore, RecordedEvent, Subscription } from '@vanguard/event-store';

/** Feeds one projection from a named store subscription (at least once, in global order). */
export class StoreProjectionRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private subscription: Subscription | undefined;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly projection: { apply(event: RecordedEvent): Promise<void> },
    private readonly name: string,
  ) {
    this.logger = new Logger(`projection ${name}`);
  }

  onApplicationBootstrap(): void {
    this.subscription = this.store.subscribe({
      name: this.name,
      handler: (e) => this.projection.apply(e),
      onError: (e) => this.logger.error(e instanceof Error ? e.message : String(e)),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}
