import { qualifiedTable, type SqlExecutor } from '../sql';

export const DEFAULT_INBOX_TABLE = 'vanguard_inbox';

export interface InboxTableOptions {
  /** Defaults to the connection's search_path (the service's own schema). */
  readonly schema?: string;
  readonly table?: string;
}

export function inboxTableDdl(options: InboxTableOptions = {}): string[] {
  const t = qualifiedTable(options.table ?? DEFAULT_INBOX_TABLE, options.schema);
  return [
    `create table if not exists ${t} (
      consumer text not null,
      event_id uuid not null,
      event_type text not null,
      topic text not null,
      partition integer not null,
      "offset" bigint not null,
      processed_at timestamptz not null default now(),
      primary key (consumer, event_id)
    )`,
  ];
}

export async function migrateInbox(db: SqlExecutor, options: InboxTableOptions = {}): Promise<void> {
  for (const sql of inboxTableDdl(options)) await db.query(sql);
}

export function inboxClaimSql(options: InboxTableOptions = {}): string {
  const t = qualifiedTable(options.table ?? DEFAULT_INBOX_TABLE, options.schema);
  return `insert into ${t} (consumer, event_id, event_type, topic, partition, "offset") values ($1, $2, $3, $4, $5, $6)
    on conflict (consumer, event_id) do nothing returning event_id`;
}

/**
 * Claims many events at once. A repeated eventId within the statement conflicts with its
 * first row and is skipped (DO NOTHING allows that), so `returning` names each new event once.
 */
export function inboxBatchClaimSql(options: InboxTableOptions = {}): string {
  const t = qualifiedTable(options.table ?? DEFAULT_INBOX_TABLE, options.schema);
  return `insert into ${t} (consumer, event_id, event_type, topic, partition, "offset")
    select $1, * from unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[])
    on conflict (consumer, event_id) do nothing returning event_id`;
}
