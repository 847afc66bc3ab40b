import { streamLockSpace } from './schema';

/** The SQL the store runs per schema, as named (prepared) statements, and the row it reads. */

export const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
/** Events are read from the hashed text itself, so a reader sees exactly what the chain covers. */
export const COLUMNS = 'position, transaction_id, canonical, prev_hash, hash';

export interface EventRow {
  position: string;
  transaction_id: string;
  canonical: string;
  prev_hash: string;
  hash: string;
}

export function statements(schema: string) {
  const s = `"${schema}"`;
  const named = (name: string, text: string) => ({ name: `es_${name}_${schema}`.slice(0, 63), text });
  return {
    append: named(
      'append',
      `select o_position, o_stream_version, o_transaction_id, o_hash
         from ${s}.append_events($1, $2, $3, string_to_array($4::text, chr(1)), string_to_array($5::text, chr(1)))`,
    ),
    appendMany: named(
      'append_many',
      `select o_request, o_position, o_stream_version, o_transaction_id, o_hash, o_actual
         from ${s}.append_events_many($1::text[], $2::text[], $3::bigint[], $4::int[],
                                      string_to_array($5::text, chr(1)), string_to_array($6::text, chr(1)))`,
    ),
    readForward: named(
      'fwd',
      `select ${COLUMNS} from ${s}.events where stream_id = $1 and stream_version >= $2 order by stream_version limit $3`,
    ),
    readBackward: named(
      'bwd',
      `select ${COLUMNS} from ${s}.events where stream_id = $1 and stream_version <= $2 order by stream_version desc limit $3`,
    ),
    readAll: named(
      'all',
      `select ${COLUMNS} from ${s}.events
        where (transaction_id, position) > ($1::xid8, $2::bigint)
          and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by transaction_id, position
        limit $3`,
    ),
    // Any committed event past the checkpoint, not only those at or above the horizon: this runs
    // after the empty page, in a snapshot of its own, and an older transaction that ended in
    // between has moved the horizon past events the page could not read (no notification says so).
    heldBack: named(
      'held',
      `select exists (select 1 from ${s}.events where (transaction_id, position) > ($1::xid8, $2::bigint)) as held_back`,
    ),
    foldPage: named(
      'fold_page',
      `select ${COLUMNS} from ${s}.events
        where stream_id = $1 and stream_version > $2 and stream_version <= $3
        order by stream_version
        limit $4`,
    ),
    // A stream's lock as the append functions take it (schema.ts: the same lock space and key),
    // exclusive to write, shared to hold a stream a decision only read; both until the commit.
    lockStream: named('lock_stream', `select pg_advisory_xact_lock(${streamLockSpace(schema)}, hashtext($1::text))`),
    holdStream: named('hold_stream', `select pg_advisory_xact_lock_shared(${streamLockSpace(schema)}, hashtext($1::text))`),
    streamVersions: named('stream_versions', `select stream_id, version from ${s}.streams where stream_id = any($1::text[])`),
    lastVersionAt: named(
      'last_version_at',
      `select min(stream_version) - 1 as version from ${s}.events where stream_id = $1 and recorded_at > $2::timestamptz`,
    ),
  };
}
