import type { Pool } from 'pg';
import { CompactRange, leafHash } from '@vanguard/transparency-log';
import { AuditRefusal } from './audit-refusal';
import type { LogAtCheckpoint } from './proof-logs';
import { MAX_PROVED_EVENTS } from './store-log';

const PAGE = 2000;
/** How many missing events an answer lists; the count is always exact. */
export const MAX_LISTED = 100;

export interface MissingEvent {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: number;
  /** Its place in the store's global order: the leaf it should be. */
  readonly expectedLeaf: number;
}

/**
 * Store events read so far, of the signed log's size: the total is known before the first page
 * (the checkpoint's size), so a client can show time left. A store holding rows the log lacks reads
 * past it (`done` > `total`): the answer then lists them as missing.
 */
export interface CompletenessProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * Is every event of the store, up to the position the checkpointed log has read, in the log, in
 * the store's global order, with the same text? Recomputed from the store, not from the log: the
 * RFC 9162 root of the store's stored texts in (transaction id, position) order must equal the
 * signed root, the count must equal the tree size, and each event must be the leaf of its place.
 * A row smuggled in below the read position (an older transaction id, written as the owner) or
 * one the feed skipped is listed as missing; a text changed after it was logged changes the root.
 */
export async function logCompleteness(
  pool: Pool,
  schema: string,
  at: LogAtCheckpoint,
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: (p: CompletenessProgress) => void } = {},
) {
  const { log, checkpoint, through } = at;
  const size = checkpoint.body.size;
  const range = CompactRange.empty();
  const missing: MissingEvent[] = [];
  let missingCount = 0;
  let misplaced = 0;
  let after = { xid: '0', position: 0 };
  for (;;) {
    signal?.throwIfAborted();
    const { rows } = await pool.query<{ xid: string; position: string; stream_id: string; stream_version: string; canonical: string }>(
      `select transaction_id::text as xid, position, stream_id, stream_version, canonical from "${schema}".events
        where (transaction_id, position) > ($1::text::xid8, $2::bigint)
          and (transaction_id, position) <= ($3::text::xid8, $4::bigint)
        order by transaction_id, position limit ${PAGE}`,
      [after.xid, after.position, through.xid, through.position],
    );
    for (const r of rows) {
      const index = range.size;
      range.append(leafHash(r.canonical));
      const version = Number(r.stream_version);
      const leaf = log.streamLeaves(r.stream_id, size)[version - 1];
      if (leaf === undefined) {
        missingCount++;
        if (missing.length < MAX_LISTED)
          missing.push({ streamId: r.stream_id, streamVersion: version, position: Number(r.position), expectedLeaf: index });
      } else if (leaf !== index) misplaced++;
      after = { xid: r.xid, position: Number(r.position) };
    }
    onProgress?.({ done: range.size, total: size });
    if (rows.length < PAGE) break;
  }
  const storeRoot = range.root();
  const rootMatches = range.size === size && storeRoot.equals(checkpoint.body.root);
  return {
    complete: rootMatches && missingCount === 0 && misplaced === 0,
    checkpoint: checkpoint.text,
    size,
    through: { transactionId: through.xid, position: through.position },
    storeEvents: range.size,
    storeRoot: storeRoot.toString('base64'),
    rootMatches,
    missingCount,
    missing,
    /** Logged at another leaf than the store's order gives it (every event after a missing one, too). */
    misplaced,
  };
}

/**
 * That these k events are all of one stream as of the checkpoint (ADR 0033): the stream's entry
 * in the signed stream map (version k and head) with its path, or the two entries that bracket
 * where it would sort when the log holds none of it; and each of the k events' leaf and path.
 * A path per event, so no more events than a proof answers (MAX_PROVED_EVENTS): a longer stream
 * is proved a page at a time by `proof?fromVersion`, which carries the same map entry and paths.
 */
export function streamCompleteness(at: LogAtCheckpoint, stream: string) {
  const size = at.checkpoint.body.size;
  const leaves = at.log.streamLeaves(stream, size);
  if (leaves.length > MAX_PROVED_EVENTS)
    throw AuditRefusal.invalid(
      'stream',
      `该流有 ${leaves.length} 个事件，请用 proof 按 fromVersion 分页 / the stream has ${leaves.length} events, more than ${MAX_PROVED_EVENTS}: prove it a page at a time with proof?size=${size}&fromVersion=1`,
    );
  return {
    checkpoint: at.checkpoint.text,
    size,
    stream,
    events: leaves.length,
    mapProof: at.map.prove(stream),
    inclusion: leaves.map((leaf, i) => ({
      version: i + 1,
      leaf,
      path: at.log.inclusionProof(leaf, size).map((h) => h.toString('base64')),
    })),
  };
}
