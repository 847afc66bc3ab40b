import { qualifiedTable, type SqlExecutor } from '../sql';

export const DEFAULT_OUTBOX_TABLE = 'vanguard_outbox';

export interface OutboxTableOptions {
  /** Defaults to the connection's search_path (the service's own schema). */
  readonly schema?: string;
  readonly table?: string;
}

/**
 * DDL of the outbox: one row per event, written in the transaction that changed the state;
 * the relay publishes rows with `published_at is null` in `id` order and then stamps them.
 */
export function outboxTableDdl(options: OutboxTableOptions = {}): string[] {
  const table = options.table ?? DEFAULT_OUTBOX_TABLE;
  const t = qualifiedTable(table, options.schema);
  return [
    `create table if not exists ${t} (
      id bigserial primary key,
      event_id uuid not null unique,
      event_type text not null,
      event_version integer not null,
      stream_id text not null,
      topic text not null,
      envelope jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    )`,
    `create index if not exists "${table}_unpublished" on ${t} (id) where published_at is null`,
  ];
}

/** Creates the outbox table if missing (idempotent); for migrations of services on plain pg. */
export async function migrateOutbox(db: SqlExecutor, options: OutboxTableOptions = {}): Promise<void> {
  for (const sql of outboxTableDdl(options)) await db.query(sql);
}
