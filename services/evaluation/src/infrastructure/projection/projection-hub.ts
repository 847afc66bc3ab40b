import { Logger } from '@nestjs/common';
import { ProjectionHub, type PostgresEventStore } from '@vanguard/event-store';
import { parkedEventAlarm } from '@vanguard/observability';
import { evaluationProjections } from './projections';

/** The one subscription name every evaluation read model shares (ADR 0035). */
export const PROJECTIONS_SUBSCRIPTION = 'evaluation.projections';

const logger = new Logger('projections');

/** The evaluation store's projection hub: one subscription for every read model, each new one built before it joins. */
export function evaluationProjectionHub(store: PostgresEventStore): ProjectionHub {
  return ProjectionHub.of(store, {
    subscription: PROJECTIONS_SUBSCRIPTION,
    definitions: evaluationProjections,
    log: (m) => logger.log(m),
    onError: (e) => logger.error(e instanceof Error ? e.message : String(e)),
    onParked: parkedEventAlarm(logger),
  });
}
