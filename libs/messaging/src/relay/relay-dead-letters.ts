import type { Pool, PoolClient } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import { qualifiedTable } from '../sql';

/** The table, beside the source's own tables, that keeps records the relay could not publish. */
export const RELAY_DEAD_LETTER_TABLE = 'vanguard_relay_dead_letters';

/**
 * Why a record was set aside instead of published. Kafka's refusals: `too-large` (larger than
 * the broker or topic accepts), `unknown-topic` (the topic does not exist and the producer may
 * not create it), `invalid-record` (the broker rejected the record itself), `unencodable` (no
 * Kafka message can carry it: a value that is not JSON, a header that is not a string). The
 * source's: `contract-violation` (it does not fit its contract, or has none), `personal-data`
 * (an encrypted personal value would leave the database).
 */
export type RelayRefusalReason = 'too-large' | 'unknown-topic' | 'invalid-record' | 'unencodable' | 'contract-violation' | 'personal-data';

/** A record the relay did not publish, and why. */
export interface RefusedRecord {
  readonly envelope: EventEnvelope;
  /** Where it was meant to go; undefined when the source refused it before a topic was chosen. */
  readonly topic?: string;
  readonly reason: RelayRefusalReason;
  readonly error: string;
}

export function relayDeadLetterDdl(schema?: string): string[] {
  const t = qualifiedTable(RELAY_DEAD_LETTER_TABLE, schema);
  return [
    `create table if not exists ${t} (
      source text not null,
      event_id text not null,
      event_type text,
      stream_id text,
      stream_version bigint,
      topic text,
      reason text not null,
      error text not null,
      envelope jsonb,
      dead_lettered_at timestamptz not null default now(),
      primary key (source, event_id)
    )`,
  ];
}

/**
 * Records refused records. Idempotent per (source, eventId): a round that fails after this and
 * runs again does not add rows. The table is created on first use when missing (CREATE on the
 * schema, which the service role has as its owner), so sources need no new migration.
 */
export async function writeRelayDeadLetters(
  pool: Pool,
  schema: string | undefined,
  source: string,
  refused: readonly RefusedRecord[],
): Promise<void> {
  if (!refused.length) return;
  const db = await pool.connect();
  try {
    await write(db, schema, source, refused);
  } finally {
    db.release();
  }
}

async function write(db: PoolClient, schema: string | undefined, source: string, refused: readonly RefusedRecord[]): Promise<void> {
  const t = qualifiedTable(RELAY_DEAD_LETTER_TABLE, schema);
  // Refusals are rare: a catalog look-up each time is cheaper than a cache that a search_path can fool.
  const found = await db.query<{ ok: boolean }>(`select to_regclass($1) is not null as ok`, [t]);
  if (!found.rows[0]?.ok) {
    // Two relays refusing at once would race `create table if not exists` on the catalog.
    await db.query('begin');
    try {
      await db.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', ['vanguard-relay-ddl', t]);
      for (const sql of relayDeadLetterDdl(schema)) await db.query(sql);
      await db.query('commit');
    } catch (e) {
      await db.query('rollback').catch(() => undefined);
      throw e;
    }
  }
  await db.query(
    `insert into ${t} (source, event_id, event_type, stream_id, stream_version, topic, reason, error, envelope)
     select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
     on conflict (source, event_id) do nothing`,
    [
      source,
      refused.map((r) => String(r.envelope.eventId)),
      refused.map((r) => stringOrNull(r.envelope.type)),
      refused.map((r) => stringOrNull(r.envelope.streamId)),
      refused.map((r) => (Number.isSafeInteger(r.envelope.streamVersion) ? r.envelope.streamVersion : null)),
      refused.map((r) => r.topic ?? null),
      refused.map((r) => r.reason),
      refused.map((r) => r.error),
      refused.map((r) => jsonOrNull(r.envelope)),
    ],
  );
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : v === undefined || v === null ? null : (jsonOrNull(v) ?? null);
}

function jsonOrNull(v: unknown): string | null {
  try {
    return JSON.stringify(v) ?? null;
  } catch {
    return null;
  }
}
