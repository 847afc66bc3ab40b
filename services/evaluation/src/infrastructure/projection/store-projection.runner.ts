import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { PostgresEventStore, ProjectionHub, ReadModel } from '@vanguard/event-store';
import { evaluationProjectionHub } from './projection-hub';

/** A read model that follows the store: applying an event twice must change nothing. */
export type StoreProjection = ReadModel;

/**
 * Feeds one read model from the store, at least once and in global order, through the
 * service's one shared subscription (ProjectionHub, ADR 0035). Slices register one per read
 * model, under the name its rebuild definition has.
 */
export class StoreProjectionRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly hub: ProjectionHub;

  constructor(store: PostgresEventStore, projection: StoreProjection, name: string) {
    this.hub = evaluationProjectionHub(store);
    this.hub.register(name, projection);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.hub.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.hub.stop();
  }
}
