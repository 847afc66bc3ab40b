import { DeciderStreams, type PostgresEventStore } from '@vanguard/event-store';
import { latestEventVersion } from './evaluation-event-versions';

/** The event store behind the handlers' port; each event at its type's newest contract version (v2 carries what v1 lacked). */
export class PostgresStreamsAdapter extends DeciderStreams {
  constructor(store: PostgresEventStore) {
    super(store, latestEventVersion);
  }
}
