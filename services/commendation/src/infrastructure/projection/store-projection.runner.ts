import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PostgresEventStore, RecordedEvent, Subscription } from '@vanguard/event-store';

/** A read model that follows the store: applying an event twice must change nothing. */
export interface StoreProjection {
  apply(event: RecordedEvent): Promise<void>;
}

/**
 * Feeds one projection from a store subscription of its own name (at least once, in global
 * order; one instance per name delivers). Slices register one per read model.
 */
export class StoreProjectionRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private subscription: Subscription | undefined;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly projection: StoreProjection,
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
