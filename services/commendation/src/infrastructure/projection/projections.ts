import type { RecordedEvent } from '@vanguard/event-store';
import { BoardProjection } from './board.projection';
import { PublicNoticeProjection } from '../public-notice/public-notice.projection';

/** A pool, a client, or a client inside the rebuild's transaction. */
/** The projection that writes public_notice_view and objection_view, as the hub and `projection_parked_events` name it. */
export const PUBLIC_NOTICE_PROJECTION = 'commendation.public-notice';

export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * A read model fed by the store. `apply` takes one event (the live subscription); it must be
 * idempotent under redelivery and key on the stream version, because a rebuild's swap replays
 * events the live table already had (ADR 0024).
 */
export interface CommendationProjection {
  apply(event: RecordedEvent): Promise<void>;
  applyBatch?(events: readonly RecordedEvent[]): Promise<void>;
}

/** One entry of the registry (as in evaluation): its subscription name, the tables it alone writes, how to bind it. */
export interface ProjectionDefinition {
  readonly name: string;
  readonly tables: readonly string[];
  readonly create: (db: Queryable, table: (name: string) => string) => CommendationProjection;
}

/** Every projection of the commendation service that `npm run rebuild -- commendation` rebuilds. */
export const commendationProjections: ProjectionDefinition[] = [
  {
    name: 'commendation.board',
    tables: ['programme_view', 'nomination_view', 'nomination_level_view'],
    create: (db, table) => new BoardProjection(db, table),
  },
  {
    name: PUBLIC_NOTICE_PROJECTION,
    tables: ['public_notice_view', 'public_notice_entry', 'objection_view'],
    create: (db, table) => new PublicNoticeProjection(db, table),
  },
];
