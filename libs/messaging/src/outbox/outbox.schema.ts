import type { ClientBase } from 'pg';
import { relayDeadLetterDdl } from '../relay/relay-dead-letters';
import { qualifiedTable, type SqlExecutor } from '../sql';

export const DEFAULT_OUTBOX_TABLE = 'vanguard_outbox';
/** The trigger on the outbox table, and the function it runs, that wake the relay. */
export const OUTBOX_NOTIFY_TRIGGER = 'vanguard_outbox_notify';

export interface OutboxTableOptions {
  /** Defaults to the connection's search_path (the service's own schema). */
  readonly schema?: string;
  readonly table?: string;
}

/**
 * DDL of the outbox: one row per event, written in the transaction that changed the state;
 * the relay publishes rows with `published_at is null` in `id` order and then stamps them.
 * Includes the notify trigger (`outboxNotifyDdl`) and the relay's dead letters (`relayDeadLetterDdl`).
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
    ...outboxNotifyDdl(options),
    // Where the relay keeps what Kafka refused; it creates the table itself where this migration predates it.
    ...relayDeadLetterDdl(options.schema),
  ];
}

/**
 * The channel an outbox table's trigger notifies, as SQL over a schema and a table name:
 * `vanguard_outbox_<schema>.<table>`, or a digest where that would pass Postgres's 63-byte
 * limit on channel names. The trigger and the relay's listener both use this one expression,
 * so they cannot disagree, whichever schema the search_path put the table in.
 */
function outboxChannelSql(schema: string, table: string): string {
  const readable = `'vanguard_outbox_' || ${schema} || '.' || ${table}`;
  return `case when octet_length(${readable}) <= 63 then ${readable} else 'vanguard_outbox_' || md5(${schema} || '.' || ${table}) end`;
}

/**
 * An `after insert … for each statement` trigger that notifies the table's channel, so the
 * relay wakes as soon as rows commit (Postgres delivers a notification only on commit, and
 * once per transaction). Per statement, not per row: a bulk insert notifies once. It fires
 * for every writer of the table, the library's outbox and a service's own bulk inserts alike.
 * Idempotent; `create or replace trigger` needs Postgres 14.
 */
export function outboxNotifyDdl(options: OutboxTableOptions = {}): string[] {
  const t = qualifiedTable(options.table ?? DEFAULT_OUTBOX_TABLE, options.schema);
  const fn = qualifiedTable(OUTBOX_NOTIFY_TRIGGER, options.schema);
  return [
    `create or replace function ${fn}() returns trigger language plpgsql as $fn$
    begin
      perform pg_notify(${outboxChannelSql('tg_table_schema', 'tg_table_name')}, '');
      return null;
    end
    $fn$`,
    `create or replace trigger ${OUTBOX_NOTIFY_TRIGGER} after insert on ${t}
      for each statement execute function ${fn}()`,
  ];
}

interface ResolvedOutbox {
  schema: string;
  table: string;
  channel: string;
  notifies: boolean;
}

async function resolveOutbox(db: ClientBase, options: OutboxTableOptions): Promise<ResolvedOutbox> {
  const t = qualifiedTable(options.table ?? DEFAULT_OUTBOX_TABLE, options.schema);
  const { rows } = await db.query<ResolvedOutbox>(
    `select n.nspname as schema, c.relname as table, ${outboxChannelSql('n.nspname', 'c.relname')} as channel,
            exists (select 1 from pg_trigger g where g.tgrelid = c.oid and g.tgname = $2) as notifies
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.oid = to_regclass($1)`,
    [t, OUTBOX_NOTIFY_TRIGGER],
  );
  if (!rows[0]) throw new Error(`outbox table ${t} does not exist (search_path: the connection's)`);
  return rows[0];
}

/** The channel the outbox table's trigger notifies; an unqualified table resolves through the connection's search_path. */
export async function outboxChannel(db: ClientBase, options: OutboxTableOptions = {}): Promise<string> {
  return (await resolveOutbox(db, options)).channel;
}

/**
 * Adds the notify trigger to an outbox table created before the trigger existed. The TypeORM
 * migration that created such a table has run and will not run again, so the relay calls this
 * when it starts listening: a no-op once the trigger is there, otherwise DDL that needs the
 * TRIGGER privilege on the table and CREATE on its schema (the service role owns both).
 */
export async function ensureOutboxNotifications(db: ClientBase, options: OutboxTableOptions = {}): Promise<void> {
  const found = await resolveOutbox(db, options);
  if (found.notifies) return;
  await db.query('begin');
  try {
    // Replicas starting together would all find no trigger, and concurrent
    // `create or replace function` on one function fails ("tuple concurrently updated").
    await db.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['vanguard-outbox-ddl', `${found.schema}.${found.table}`]);
    if (!(await resolveOutbox(db, options)).notifies) {
      for (const sql of outboxNotifyDdl({ schema: found.schema, table: found.table })) await db.query(sql);
    }
    await db.query('commit');
  } catch (e) {
    await db.query('rollback').catch(() => undefined);
    throw e;
  }
}

/** Creates the outbox table if missing (idempotent); for migrations of services on plain pg. */
export async function migrateOutbox(db: SqlExecutor, options: OutboxTableOptions = {}): Promise<void> {
  for (const sql of outboxTableDdl(options)) await db.query(sql);
}
