import type { Pool } from 'pg';
import Cursor from 'pg-cursor';
import type { BrokenLink, VerificationReport, VerifyScope } from './types';
import { checkLink, compareIds, GENESIS, type Link, type VerifyRow } from './verify-link';

export interface VerifyOptions {
  /**
   * Also check that the queryable columns (type, data, org_id, ...) still equal the
   * hashed canonical text. Readers never use those columns, so the chain alone proves what
   * readers see; this proves ad-hoc SQL over the columns sees the same. Default true.
   */
  readonly checkColumns?: boolean;
  /**
   * Whole-store verification reads this many stream ranges side by side (connections); default 2.
   * Each range holds a connection and now and then asks the pool for another (a transaction id
   * assigned since verify began, a position range's first link), so give the pool one more.
   */
  readonly parallelism?: number;
  /**
   * Called after each page of rows with what has been checked so far, all ranges together: a
   * long verification can show how far it is (streams are counted as each one begins).
   */
  readonly onProgress?: (checked: { readonly checkedEvents: number; readonly checkedStreams: number }) => void;
  /** Stops between pages with the signal's reason: an abandoned verification gives its connections back. */
  readonly signal?: AbortSignal;
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

/** What every range checked so far, side by side, for `onProgress`; and the signal to stop at. */
interface Progress {
  checkedEvents: number;
  checkedStreams: number;
  readonly report?: VerifyOptions['onProgress'];
  readonly signal?: AbortSignal;
}

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
    const progress = { checkedEvents: 0, checkedStreams: 0, report: options.onProgress, signal: options.signal };
    const results = await Promise.all(parts.map((p) => this.verifyPart(p, ranged, checkColumns, assignedBelow, progress)));
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
    progress: Progress,
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
          progress.signal?.throwIfAborted();
          if (rows.length === 0) break;
          next = cursor.read(VERIFY_PAGE);
          const before = { checkedEvents, checkedStreams };
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
          progress.checkedEvents += checkedEvents - before.checkedEvents;
          progress.checkedStreams += checkedStreams - before.checkedStreams;
          progress.report?.({ checkedEvents: progress.checkedEvents, checkedStreams: progress.checkedStreams });
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

  /**
   * The stream heads must agree with the last event: catches a deleted tail. A stream with events
   * but no head row (deleted by the owner) is a broken head too: the pass read its events and found
   * the chain intact, so only this anti-join names it. The first by stream id of either kind.
   */
  private async checkHeads(streamId: string | null): Promise<BrokenLink | null> {
    const { rows } = await this.pool.query<{
      stream_id: string;
      version: string;
      last_hash: string;
      found: string | null;
      beyond: boolean;
      headless: boolean;
    }>(
      `select * from (
         (select s.stream_id, s.version, s.last_hash, e.hash as found,
                 exists (select 1 from ${this.s}.events x where x.stream_id = s.stream_id and x.stream_version > s.version) as beyond,
                 false as headless
            from ${this.s}.streams s
            left join ${this.s}.events e on e.stream_id = s.stream_id and e.stream_version = s.version
           where ($1::text is null or s.stream_id = $1)
             and s.version > 0
             and (e.hash is distinct from s.last_hash
                  or exists (select 1 from ${this.s}.events x where x.stream_id = s.stream_id and x.stream_version > s.version))
           order by s.stream_id
           limit 1)
         union all
         (select last.stream_id, last.stream_version, last.hash, null, false, true
            from (select e.stream_id from ${this.s}.events e
                   where ($1::text is null or e.stream_id = $1)
                     and not exists (select 1 from ${this.s}.streams s where s.stream_id = e.stream_id)
                   order by e.stream_id
                   limit 1) h
            cross join lateral (select stream_id, stream_version, hash from ${this.s}.events
                                 where stream_id = h.stream_id order by stream_version desc limit 1) last)
       ) heads
       order by stream_id
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
      // Headless: what the head should hold is the last event's hash.
      expected: r.last_hash,
      found: r.headless ? 'no head row' : r.beyond ? 'events beyond the recorded head' : (r.found ?? '(missing event)'),
    };
  }
}
