import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PostgresEventStore, Subscription } from '@vanguard/event-store';
import type { PledgeViewProjection } from './pledge-view.projection';

/** Feeds pledge_view from the store's subscription (at least once, in global order). */
@Injectable()
export class PledgeProjectionRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PledgeProjectionRunner.name);
  private subscription: Subscription | undefined;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly projection: PledgeViewProjection,
    private readonly name: string,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.store.subscribe({
      name: this.name,
      handler: (e) => this.projection.apply(e),
      onError: (e) => this.logger.error(`pledge projection: ${e instanceof Error ? e.message : String(e)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}
