import { sha256Hex, GENESIS_HASH } from './hash-chain';
import type { BrokenLink } from './types';

/**
 * The rule each event of a stream must satisfy against the one before it, for StoreVerifier:
 * the one place that says what an intact link is. Split from verify.ts, which reads the rows.
 */

/** One events row as verify reads it: the chain's columns, and the projected ones with the column check. */
export interface VerifyRow {
  stream_id: string;
  stream_version: string;
  position: string;
  transaction_id: string;
  prev_hash: string;
  hash: string;
  canonical: string;
  // With the column check only:
  event_id?: string;
  type?: string;
  version?: number;
  org_id?: string;
  correlation_id?: string;
  causation_id?: string | null;
  occurred_at?: string;
  recorded_at?: string;
}

/** What the previous event of the stream left to check the next one against. */
export interface Link {
  version: number;
  hash: string;
  position: number;
  /** Decimal text, as Postgres prints an xid8: compared with compareIds, not parsed per row. */
  transactionId: string;
}

export const GENESIS: Link = { version: 0, hash: GENESIS_HASH, position: 0, transactionId: '0' };

/**
 * The first thing wrong with event `r` (version `v`, transaction id `tx`) after `last`, or null:
 * a version gap, a broken hash link, a hash that is not the text's, a position or transaction id
 * out of the stream's order or not yet assigned, a column that no longer says what the text says.
 */
export function checkLink(
  r: VerifyRow,
  v: number,
  tx: string,
  last: Link,
  checkColumns: boolean,
  assignedBelow: string,
): BrokenLink | null {
  const position = Number(r.position);
  const at = { streamId: r.stream_id, streamVersion: v, position };
  if (v !== last.version + 1) {
    return { ...at, reason: 'version_gap', expected: `version ${last.version + 1}`, found: `version ${v}` };
  }
  if (r.prev_hash !== last.hash) return { ...at, reason: 'prev_hash_mismatch', expected: last.hash, found: r.prev_hash };
  const recomputed = sha256Hex(r.prev_hash + r.canonical);
  if (recomputed !== r.hash) return { ...at, reason: 'hash_mismatch', expected: recomputed, found: r.hash };
  if (position <= last.position) {
    return {
      ...at,
      reason: 'position_mismatch',
      expected: `position above ${last.position} (version ${last.version})`,
      found: `position ${position}`,
    };
  }
  if (compareIds(tx, last.transactionId) < 0) {
    return {
      ...at,
      reason: 'transaction_id_mismatch',
      expected: `transaction_id at least ${last.transactionId} (version ${last.version})`,
      found: `transaction_id ${tx}`,
    };
  }
  if (compareIds(tx, assignedBelow) >= 0) {
    return {
      ...at,
      reason: 'transaction_id_mismatch',
      expected: `transaction_id below ${assignedBelow} (not yet assigned in this cluster)`,
      found: `transaction_id ${tx}`,
    };
  }
  const differs = checkColumns ? columnDiffering(r, v) : null;
  if (differs)
    return { ...at, reason: 'column_mismatch', expected: `${differs} as in the hashed canonical text`, found: 'a column differs' };
  return null;
}

/** The first projected column that no longer says what the hashed text says, or null. */
function columnDiffering(r: VerifyRow, v: number): string | null {
  let c: Partial<Record<string, unknown>>;
  try {
    c = JSON.parse(r.canonical) as Partial<Record<string, unknown>>;
  } catch {
    return 'canonical';
  }
  if (c['eventId'] !== r.event_id) return 'event_id';
  if (c['type'] !== r.type) return 'type';
  if (c['version'] !== r.version) return 'version';
  if (c['streamId'] !== r.stream_id) return 'stream_id';
  if (c['streamVersion'] !== v) return 'stream_version';
  if (c['occurredAt'] !== r.occurred_at) return 'occurred_at';
  if (c['recordedAt'] !== r.recorded_at) return 'recorded_at';
  if (c['orgId'] !== r.org_id) return 'org_id';
  if (c['correlationId'] !== r.correlation_id) return 'correlation_id';
  if ((c['causationId'] ?? null) !== r.causation_id) return 'causation_id';
  return null;
}

/** Orders two xid8 values printed in decimal (no sign, no leading zeros) without parsing them. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
