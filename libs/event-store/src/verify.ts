import type { Pool } from 'pg';
import Cursor from 'pg-cursor';
import { GENESIS_HASH, sha256Hex } from './hash-chain';
import type { BrokenLink, VerificationReport, VerifyScope } from './types';

export interface VerifyOptions {
  /**
   * Also check that the queryable columns (type, data, org_id, ...) still equal the
   * hashed canonical text. Readers never use those columns, so the chain alone proves what
   * readers see; this proves ad-hoc SQL over the columns sees the same. Default true.
   */
  readonly checkColumns?: boolean;
  /** Whole-store verification reads this many stream ranges side by side (connections); default 2. */
  readonly parallelism?: number;
}

const VERIFY_PAGE = 500;
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
/**
 * The projected columns, as text in the canonical form, for checking that they still say what
 * the hashed text says (actor/data/metadata exist only in the text). Node parses the text:
 * V8's JSON.parse costs a fraction of Postgres's, and verification is bound by that parse.
 */
const PROJECTED = `event_id::text as event_id, type, version, org_id, correlation_id, causation_id,
    to_char(occurred_at at time zone 'UTC', ${ISO}) as occurred_at, to_char(recorded_at at time zone 'UTC', ${ISO}) as recorded_at`;

interface VerifyRow {
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
interface Link {
  version: number;
  hash: string;
  position: number;
  /** Decimal text, as Postgres prints an xid8: compared with compareIds, not parsed per row. */
  transactionId: string;
}

const GENESIS: Link = { version: 0, hash: GENESIS_HASH, position: 0, transactionId: '0' };

/**
 * Checks the store against what its writers promise: the hash chain of every stream, the
 * stream heads, the queryable columns against the hashed text, and the global order.
 *
 * Position and transaction id are assigned at insert, so no hash can cover them; what can be
 * checked is what every reader relies on. Within a stream, appends hold the stream's head lock,
 * so each version gets a higher position than the one before, and a version never has a lower
 * transaction id than the one before (the append refuses a transaction that would read before
 * an earlier version). Readers of "all" order by (transaction id, position): if either column
 * is rewritten so that a stream's versions would be read out of order, verify names it. A
 * transaction id the cluster has not assigned yet would hide its event from every reader until
 * the cluster's counter gets there (a restore into another cluster without `rebaseAfterRestore`
 * looks the same). An event moved consistently with its stream's order stays undetected here;
 * anchors cover what was anchored.
 */
export class StoreVerifier {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.s = `"${schema}"`;
  }

  /**
   * Recomputes the hash chain of one stream, a position range or the whole store, and
   * reports the first broken link in (stream, version) order. Streams rows through a cursor,
   * so memory stays flat however large the store.
   */
  async verify(scope: VerifyScope = {}, options: VerifyOptions = {}): Promise<VerificationReport> {
    const checkColumns = options.checkColumns ?? true;
    let parts: { text: string; values: unknown[] }[];
    if ('stream' in scope) parts = [{ text: 'where stream_id = $1', values: [scope.stream] }];
    else if ('fromPosition' in scope)
      parts = [{ text: 'where position between $1 and $2', values: [scope.fromPosition, scope.toPosition] }];
    else parts = await this.streamRanges(Math.max(1, options.parallelism ?? 2));
    const ranged = 'fromPosition' in scope;
    const assignedBelow = { value: await this.nextTransactionId() };
    // Partitions are consecutive stream ranges checked side by side; the first broken link is
    // the one in the lowest partition that has one.
    const results = await Promise.all(parts.map((p) => this.verifyPart(p, ranged, checkColumns, assignedBelow)));
    const checkedEvents = results.reduce((n, r) => n + r.checkedEvents, 0);
    const checkedStreams = results.reduce((n, r) => n + r.checkedStreams, 0);
    const broken = results.find((r) => r.broken)?.broken;
    if (broken) return { ok: false, checkedEvents, checkedStreams, broken };
    if (!ranged) {
      const head = await this.checkHeads('stream' in scope ? scope.stream : null);
      if (head) return { ok: false, checkedEvents, checkedStreams, broken: head };
    }
    return { ok: true, checkedEvents, checkedStreams };
  }

  /** The first transaction id this cluster has not assigned yet. */
  private async nextTransactionId(): Promise<string> {
    const { rows } = await this.pool.query<{ xmax: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as xmax');
    return rows[0]!.xmax;
  }

  private async streamRanges(n: number): Promise<{ text: string; values: unknown[] }[]> {
    if (n === 1) return [{ text: '', values: [] }];
    const { rows } = await this.pool.query<{ stream_id: string }>(
      `select min(stream_id) as stream_id
         from (select stream_id, ntile($1) over (order by stream_id) as tile from ${this.s}.streams) t
        group by tile order by 1`,
      [n],
    );
    const bounds = rows.map((r) => r.stream_id).slice(1);
    if (bounds.length === 0) return [{ text: '', values: [] }];
    const parts: { text: string; values: unknown[] }[] = [{ text: 'where stream_id < $1', values: [bounds[0]] }];
    for (let i = 1; i < bounds.length; i++)
      parts.push({ text: 'where stream_id >= $1 and stream_id < $2', values: [bounds[i - 1], bounds[i]] });
    parts.push({ text: 'where stream_id >= $1', values: [bounds[bounds.length - 1]] });
    return parts;
  }

  private async verifyPart(
    where: { text: string; values: unknown[] },
    ranged: boolean,
    checkColumns: boolean,
    assignedBelow: { value: string },
  ): Promise<{ checkedEvents: number; checkedStreams: number; broken?: BrokenLink }> {
    const client = await this.pool.connect();
    let checkedEvents = 0;
    let checkedStreams = 0;
    let next: Promise<VerifyRow[]> = Promise.resolve([]);
    try {
      const cursor = client.query(
        new Cursor<VerifyRow>(
          // The hash covers the canonical text; the columns must still say what the text says.
          `select stream_id, stream_version, position, transaction_id::text as transaction_id, prev_hash, hash, canonical${
            checkColumns ? `, ${PROJECTED}` : ''
          }
             from ${this.s}.events ${where.text}
            order by stream_id, stream_version`,
          where.values,
        ),
      );
      let stream: string | null = null;
      let last = GENESIS;
      try {
        // Ask for the next page before hashing this one, so Postgres and Node work side by side.
        next = cursor.read(VERIFY_PAGE);
        for (;;) {
          const rows = await next;
          if (rows.length === 0) break;
          next = cursor.read(VERIFY_PAGE);
          for (const r of rows) {
            const v = Number(r.stream_version);
            if (r.stream_id !== stream) {
              stream = r.stream_id;
              checkedStreams++;
              last = ranged && v > 1 ? await this.storedLink(r.stream_id, v - 1) : GENESIS;
            }
            const tx = r.transaction_id;
            // Rows committed after verify began may carry ids assigned since: look again before calling it a forgery.
            if (compareIds(tx, assignedBelow.value) >= 0) assignedBelow.value = await this.nextTransactionId();
            const broken = checkLink(r, v, tx, last, checkColumns, assignedBelow.value);
            if (broken) return { checkedEvents, checkedStreams, broken };
            checkedEvents++;
            last = { version: v, hash: r.hash, position: Number(r.position), transactionId: tx };
          }
        }
      } finally {
        await next.catch(() => undefined);
        await cursor.close();
      }
      return { checkedEvents, checkedStreams };
    } finally {
      client.release();
    }
  }

  private async storedLink(streamId: string, version: number): Promise<Link> {
    const { rows } = await this.pool.query<{ hash: string; position: string; transaction_id: string }>(
      `select hash, position, transaction_id::text as transaction_id from ${this.s}.events where stream_id = $1 and stream_version = $2`,
      [streamId, version],
    );
    const r = rows[0];
    if (!r) return { version, hash: '(missing)', position: 0, transactionId: '0' };
    return { version, hash: r.hash, position: Number(r.position), transactionId: r.transaction_id };
  }

  /** The stream heads must agree with the last event: catches a deleted tail. */
  private async checkHeads(streamId: string | null): Promise<BrokenLink | null> {
    const { rows } = await this.pool.query<{
      stream_id: string;
      version: string;
      last_hash: string;
      found: string | null;
      beyond: boolean;
    }>(
      `select s.stream_id, s.version, s.last_hash, e.hash as found,
              exists (select 1 from ${this.s}.events x where x.stream_id = s.stream_id and x.stream_version > s.version) as beyond
         from ${this.s}.streams s
         left join ${this.s}.events e on e.stream_id = s.stream_id and e.stream_version = s.version
        where ($1::text is null or s.stream_id = $1)
          and s.version > 0
          and (e.hash is distinct from s.last_hash
               or exists (select 1 from ${this.s}.events x where x.stream_id = s.stream_id and x.stream_version > s.version))
        order by s.stream_id
        limit 1`,
      [streamId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      streamId: r.stream_id,
      streamVersion: Number(r.version),
      position: null,
      reason: 'head_mismatch',
      expected: r.last_hash,
      found: r.beyond ? 'events beyond the recorded head' : (r.found ?? '(missing event)'),
    };
  }
}

function checkLink(r: VerifyRow, v: number, tx: string, last: Link, checkColumns: boolean, assignedBelow: string): BrokenLink | null {
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
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
