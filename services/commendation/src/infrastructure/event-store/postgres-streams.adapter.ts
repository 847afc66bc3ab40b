import { DeciderStreams } from '@vanguard/event-store';

/** The event store behind the handlers' port (libs/event-store). */
export class PostgresStreamsAdapter extends DeciderStreams {}
