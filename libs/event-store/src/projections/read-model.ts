import type { RecordedEvent } from '../types';

/** A pool, a client, or a client inside the rebuild's transaction. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * A read model fed by the store. `apply` takes one event; `applyBatch`, if present, a page in
 * global order (a few statements per page instead of per event), and both the live
 * subscription and the rebuild use it. Either must be idempotent under redelivery and key on
 * the stream version: a failed page comes again, and a rebuild's swap replays events the
 * live table already had (ADR 0024).
 */
export interface ReadModel {
  apply(event: RecordedEvent): Promise<void>;
  applyBatch?(events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * One read model as the rebuild and the projection hub know it. `tables` are the tables it
 * alone writes (a rebuild builds each as `<table>__rebuild` and swaps it in); `create` binds
 * it to a connection and to the table names it must write: `table('pledge_view')` gives the
 * live or the shadow name.
 */
export interface ReadModelDefinition {
  /** e.g. `evaluation.pledge-view`; what `npm run rebuild -- <service> <name>` picks. */
  readonly name: string;
  readonly tables: readonly string[];
  readonly create: (db: Queryable, table: (name: string) => string) => ReadModel;
}
