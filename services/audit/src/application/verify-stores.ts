import type { BrokenLink, VerificationReport } from '@vanguard/event-store';
import type { AuditedContext } from '../infrastructure/audit-database';
import type { AuditReader } from './audit-reader';
import { AuditRefusal } from './audit-refusal';
import { streamKindOf } from './stream-catalog';

export type VerifyScope = { readonly stream: string } | { readonly from: string; readonly to: string } | { readonly everything: true };

export interface VerifyProgress {
  readonly done: number;
  readonly total: number;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checkedEvents: number;
  readonly checkedStreams: number;
  /** The first broken link, with the store it is in; null when everything checked holds. */
  readonly broken: (BrokenLink & { readonly context: AuditedContext }) | null;
  /**
   * Personal values are checked as stored (ciphertext): a forgotten person's values are
   * unreadable but still hash to the chain, so they read as redacted, never as tampering.
   */
  readonly personalData: 'checked as stored; forgotten values read as redacted';
}

const CONTEXTS: readonly AuditedContext[] = ['evaluation', 'commendation'];
const PAGE = 200;
/**
 * Stream ranges the whole-store path reads side by side. One: on the 2-core machine two ranges
 * were no faster, and their two index scans cost Postgres 3× the CPU of one (ADR 0078).
 */
const RANGES = 1;

/**
 * Chain integrity and completeness (hash links, version gaps, heads against the last event,
 * columns against the hashed text, order in the global order) with the store's own verifier.
 * Everything is the store's whole-store pass, one query per store (ADR 0078); a time range goes
 * stream by stream over the streams with an event in it. Either way progress is reported in
 * streams, and an abandoned verification stops at the next page or stream and gives its
 * connection back.
 */
export async function verifyStores(
  reader: AuditReader,
  scope: VerifyScope,
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: (p: VerifyProgress) => void } = {},
): Promise<VerifyResult> {
  if ('stream' in scope) {
    const { kind } = await reader.head(scope.stream);
    const r = await reader.storeOf(kind).verify({ stream: scope.stream });
    onProgress?.({ done: 1, total: 1 });
    return resultOf(r, kind.context);
  }
  const range = 'from' in scope ? scope : null;
  const totals = await Promise.all(CONTEXTS.map((c) => streamCount(reader, c, range)));
  const total = totals.reduce((a, b) => a + b, 0);
  return range ? streamByStream(reader, range, total, { signal, onProgress }) : wholeStores(reader, total, { signal, onProgress });
}

type Watch = { signal?: AbortSignal; onProgress?: (p: VerifyProgress) => void };

/** Each store in one pass in (stream, version) order: no query per stream, and the global order checked too. */
async function wholeStores(reader: AuditReader, total: number, { signal, onProgress }: Watch): Promise<VerifyResult> {
  let checkedEvents = 0;
  let checkedStreams = 0;
  for (const context of CONTEXTS) {
    signal?.throwIfAborted();
    const r = await reader.stores[context].verify(
      {},
      {
        parallelism: RANGES,
        signal,
        // A stream with events but no head row is still counted: the bar may not pass the total.
        onProgress: (p) => onProgress?.({ done: Math.min(total, checkedStreams + p.checkedStreams), total }),
      },
    );
    checkedEvents += r.checkedEvents;
    checkedStreams += r.checkedStreams;
    if (!r.ok) return resultOf({ ...r, checkedEvents, checkedStreams }, context);
  }
  onProgress?.({ done: total, total });
  return { ok: true, checkedEvents, checkedStreams, broken: null, personalData: NOTE };
}

/** The streams with an event recorded in the range, each whole, in stream-id order. */
async function streamByStream(reader: AuditReader, range: { from: string; to: string }, total: number, { signal, onProgress }: Watch) {
  let done = 0;
  let checkedEvents = 0;
  let checkedStreams = 0;
  for (const context of CONTEXTS) {
    const store = reader.stores[context];
    let after = '';
    for (;;) {
      signal?.throwIfAborted();
      const ids = await streamPage(reader, context, after, range);
      if (ids.length === 0) break;
      for (const id of ids) {
        signal?.throwIfAborted();
        // A stream the catalog does not know is still checked: integrity does not need a decider.
        const r = await store.verify({ stream: id });
        checkedEvents += r.checkedEvents;
        checkedStreams += r.checkedStreams;
        onProgress?.({ done: ++done, total });
        if (!r.ok) return resultOf({ ...r, checkedEvents, checkedStreams }, context);
      }
      after = ids.at(-1)!;
    }
  }
  return { ok: true, checkedEvents, checkedStreams, broken: null, personalData: NOTE };
}

const NOTE = 'checked as stored; forgotten values read as redacted' as const;

function resultOf(r: VerificationReport, context: AuditedContext): VerifyResult {
  return {
    ok: r.ok,
    checkedEvents: r.checkedEvents,
    checkedStreams: r.checkedStreams,
    broken: r.ok ? null : { ...r.broken, context },
    personalData: NOTE,
  };
}

/** Streams with an event recorded in the range (or all streams), in stream-id order. */
async function streamPage(
  reader: AuditReader,
  context: AuditedContext,
  after: string,
  range: { from: string; to: string } | null,
): Promise<string[]> {
  const s = `"${reader.stores[context].schema}"`;
  const { rows } = range
    ? await reader.pool.query<{ id: string }>(
        `select distinct stream_id as id from ${s}.events where stream_id > $1 and recorded_at between $2 and $3 order by 1 limit ${PAGE}`,
        [after, range.from, range.to],
      )
    : await reader.pool.query<{ id: string }>(`select stream_id as id from ${s}.streams where stream_id > $1 order by 1 limit ${PAGE}`, [
        after,
      ]);
  return rows.map((r) => r.id);
}

async function streamCount(reader: AuditReader, context: AuditedContext, range: { from: string; to: string } | null): Promise<number> {
  const s = `"${reader.stores[context].schema}"`;
  const { rows } = range
    ? await reader.pool.query<{ n: string }>(`select count(distinct stream_id) as n from ${s}.events where recorded_at between $1 and $2`, [
        range.from,
        range.to,
      ])
    : await reader.pool.query<{ n: string }>(`select count(*) as n from ${s}.streams`);
  return Number(rows[0]!.n);
}

/** Checks a stream id before any work: a 400 for a malformed one, as the other queries give. */
export const assertAuditedStream = (id: string): void => void streamKindOf(id);
export { AuditRefusal };
