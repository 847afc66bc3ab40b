import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ProjectionHub, type PostgresEventStore, type ReadModel } from '@vanguard/event-store';
import { parkedEventAlarm } from '@vanguard/observability';
import { commendationProjections } from './projections';

/** The one subscription every commendation read model shares (ADR 0035); the objections read waits on its checkpoint. */
export const PROJECTIONS_SUBSCRIPTION = 'commendation.projections';

/** A read model that follows the store: applying an event twice must change nothing. */
export type StoreProjection = ReadModel;

const logger = new Logger('projections');

/**
 * Feeds one read model from the store, at least once and in global order, through the
 * service's one shared subscription (ProjectionHub, ADR 0035), under the name its rebuild
 * definition has.
 */
export class StoreProjectionRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly hub: ProjectionHub;

  constructor(store: PostgresEventStore, projection: StoreProjection, name: string) {
    this.hub = ProjectionHub.of(store, {
      subscription: PROJECTIONS_SUBSCRIPTION,
      definitions: commendationProjections,
      log: (m) => logger.log(m),
      onError: (e) => logger.error(e instanceof Error ? e.message : String(e)),
      onParked: parkedEventAlarm(logger),
    });
    this.hub.register(name, projection);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.hub.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.hub.stop();
  }
}
