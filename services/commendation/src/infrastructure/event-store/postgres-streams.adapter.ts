import { PLACES_FOLD_VERSION } from '@vanguard/commendation-domain';
import { DeciderStreams, type PostgresEventStore } from '@vanguard/event-store';

/**
 * The event store behind the handlers' port (libs/event-store). A unit's places stream takes an
 * event from every nomination's submission and each endorsement, so it is loaded from a snapshot
 * taken every 100 events: folded whole, 10,000 nominations of one unit made each command fold
 * ~30,000 events (the chain's commands slowed from 5/s to under 2/s by the 2,000th).
 */
export class PostgresStreamsAdapter extends DeciderStreams {
  constructor(store: PostgresEventStore) {
    super(store, undefined, { places: { foldVersion: PLACES_FOLD_VERSION, every: 100 } });
  }
}
