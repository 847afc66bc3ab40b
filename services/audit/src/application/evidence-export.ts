import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { Readable } from 'node:stream';
import { EvidenceBundleWriter, EvidenceLogWriter, bundleStream, isDevelopmentLogKey, type NoteVerifier } from '@vanguard/transparency-log';
import type { EarlierCheckpoint } from './earlier-checkpoints';
import type { LogAtCheckpoint } from './proof-logs';

const PAGE = 500;
/** Streams one bundle may hold: a nomination with its programme, notice and objections fits many times over. */
export const MAX_EXPORT_STREAMS = 100;

/** Streams a programme's bundle may hold: its own, its places, notice, every nomination and objection. */
export const MAX_PROGRAMME_STREAMS = 2000;

/**
 * Every commendation stream with an event naming the programme (programme, places, notice,
 * nominations, objections), up to the position the checkpointed log has read: the evidence
 * behind a shortlist, in one bundle.
 */
export async function programmeStreams(pool: Pool, schema: string, programmeId: string, at: LogAtCheckpoint): Promise<string[]> {
  const { rows } = await pool.query<{ stream_id: string }>(
    `select distinct stream_id from "${schema}".events_view
      where data->>'programmeId' = $1 and (transaction_id, position) <= ($2::text::xid8, $3::bigint)
      limit ${MAX_PROGRAMME_STREAMS + 1}`,
    [programmeId, at.through.xid, at.through.position],
  );
  return rows.map((r) => r.stream_id);
}

/** Byte order of the ids, as the bundle requires (UTF-8, which is code-point order). */
export const inBundleOrder = (streams: readonly string[]): string[] =>
  [...new Set(streams)].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

/** The number of events and of streams an export's bundle holds, sent before its first byte. */
export const EVENTS_HEADER = 'x-vanguard-events';
export const STREAMS_HEADER = 'x-vanguard-streams';

/**
 * How many events the bundle of `streams` as of `at` will hold, known before a byte is written:
 * each stream's leaves in the checkpointed tree, from the log in memory (no pass over the store),
 * exactly the events `writeEvidenceBundle` writes. Sent as a header so a client can show done/total.
 */
export const eventsInBundle = (at: LogAtCheckpoint, streams: readonly string[]): number =>
  inBundleOrder(streams).reduce((sum, stream) => sum + at.log.streamLeaves(stream, at.checkpoint.body.size).length, 0);

/**
 * How an auditor checks the bundle with no database and no network (also sent as a response
 * header); the development key (demo data) must be allowed explicitly, as the verifier requires.
 */
export const verifyCommand = (file: string, key: NoteVerifier): string =>
  `npx vanguard-verify ${file} --key '${key.vkey}'${isDevelopmentLogKey(key) ? ' --allow-development-key' : ''}`;

/**
 * Writes an evidence bundle (libs/transparency-log, ADR 0033) of `streams` as of `at`'s signed
 * checkpoint into `out`: the `earlier` published checkpoints, each with the consistency proof from
 * its size to the checkpoint's in the log as it is now (ADR 0070: a store rewritten since one was
 * published makes its proof fail in the verifier, by its size), each stream's map proof, its
 * events' stored canonical texts read page by page from the store, and their inclusion paths.
 */
export async function writeEvidenceBundle(
  pool: Pool,
  schema: string,
  at: LogAtCheckpoint,
  streams: readonly string[],
  out: NodeJS.WritableStream,
  signal: AbortSignal,
  earlier: readonly EarlierCheckpoint[] = [],
): Promise<{ sha256: string; bytes: number }> {
  const size = at.checkpoint.body.size;
  const writer = new EvidenceBundleWriter(bundleHeader(at, earlier));
  return sendBundle(writer.output, out, signal, async () => {
    for (const stream of inBundleOrder(streams)) {
      signal.throwIfAborted();
      const k = at.log.streamLeaves(stream, size).length;
      await writer.addStream(bundleStream(at.log, size, stream, texts(pool, schema, stream, k, signal), at.map));
    }
    await writer.finish();
  });
}

/**
 * Rows a whole-log export reads per statement: a page's rows and its sort stay within Postgres's
 * default work_mem (4 MB) at typical event sizes; a larger page spilled both to disk.
 */
const LOG_PAGE = 4_000;

interface LogPage {
  readonly n: number;
  /** The page's canonical texts joined by newlines. */
  readonly texts: string;
  readonly xid: string;
  readonly position: string;
}

/**
 * Writes a whole-log bundle (ADR 0079) of `at`'s checkpoint into `out`: every event the log
 * holds, leaf 0 to size−1, as the store's canonical texts read in the order the log was fed
 * ((transaction id, position) up to `through`, a page at a time), with the earlier checkpoints
 * and their consistency proofs. No inclusion paths: the verifier rebuilds the root and every
 * stream's head. The next page is asked for before the current one is written, so Postgres
 * reads while the bundle is written.
 */
export async function writeLogBundle(
  pool: Pool,
  schema: string,
  at: LogAtCheckpoint,
  out: NodeJS.WritableStream,
  signal: AbortSignal,
  earlier: readonly EarlierCheckpoint[] = [],
): Promise<{ sha256: string; bytes: number }> {
  const writer = new EvidenceLogWriter(bundleHeader(at, earlier));
  const size = at.checkpoint.body.size;
  const read = (after: { xid: string; position: string }, limit: number): Promise<LogPage | undefined> => {
    const page = logPage(pool, schema, at, after, limit);
    page.catch(() => undefined); // awaited below; a failure after the export stopped must not go unhandled
    return page;
  };
  return sendBundle(writer.output, out, signal, async () => {
    let next = size > 0 ? read({ xid: '0', position: '0' }, Math.min(LOG_PAGE, size)) : undefined;
    while (next) {
      signal.throwIfAborted();
      const page = await next;
      // Fewer rows than the log holds: an event logged is gone from the store, which the verifier would name less plainly.
      if (!page) throw new Error(`the store holds ${writer.written} of the log's ${size} events up to its read position`);
      const left = size - writer.written - page.n;
      next = left > 0 ? read(page, Math.min(LOG_PAGE, left)) : undefined;
      await writer.addJoined(page.texts, page.n);
    }
    await writer.finish();
  });
}

/**
 * One page after `after`, as one text of its events joined by newlines with its count and last
 * position: ten thousand strings and row objects a page were most of the export's CPU (GC).
 */
async function logPage(
  pool: Pool,
  schema: string,
  at: LogAtCheckpoint,
  after: { xid: string; position: string },
  limit: number,
): Promise<LogPage | undefined> {
  const { rows } = await pool.query<LogPage>(
    `with page as materialized (
       select transaction_id, position, canonical from "${schema}".events
        where (transaction_id, position) > ($1::text::xid8, $2::bigint)
          and (transaction_id, position) <= ($3::text::xid8, $4::bigint)
        order by transaction_id, position limit ${limit})
     select (select count(*) from page)::int as n,
            (select string_agg(canonical, E'\n' order by transaction_id, position) from page) as texts,
            last.transaction_id::text as xid, last.position
       from (select transaction_id, position from page order by transaction_id desc, position desc limit 1) last`,
    [after.xid, after.position, at.through.xid, at.through.position],
  );
  return rows[0];
}

const bundleHeader = (at: LogAtCheckpoint, earlier: readonly EarlierCheckpoint[]) => ({
  key: at.signer.verifier,
  checkpoint: at.checkpoint.text,
  previous: earlier
    .filter((e) => e.size > 0 && e.size <= at.checkpoint.body.size)
    .map((e) => ({ checkpoint: e.note, proof: at.log.consistencyProof(e.size, at.checkpoint.body.size) })),
});

/**
 * Pipes a bundle writer's `output` into `out` while `write` fills it; resolves with the bundle's
 * SHA-256 and length, which the trail records; rejects as soon as `out` goes away or `signal`
 * aborts, so the caller can let go of its connection at once (ADR 0019).
 */
async function sendBundle(
  output: Readable,
  out: NodeJS.WritableStream,
  signal: AbortSignal,
  write: () => Promise<void>,
): Promise<{ sha256: string; bytes: number }> {
  const digest = createHash('sha256');
  let bytes = 0;
  output.pipe(out);
  output.on('data', (b: Buffer) => {
    digest.update(b);
    bytes += b.length;
  });
  const ended = new Promise<void>((resolve, reject) => {
    output.once('end', resolve);
    output.once('error', reject);
  });
  ended.catch(() => undefined);
  // The writer's pending write (waiting for the reader to drain) rejects once its output is gone;
  // destroyed with an error, `ended` rejects too: without one a destroyed output only closes, and
  // a bundle whose writer had finished but whose tail sat unread waited on 'end' for ever.
  const leave = () => output.destroy(signal.reason instanceof Error ? signal.reason : new Error('the export was cut'));
  signal.addEventListener('abort', leave, { once: true });
  try {
    await write();
    await ended;
  } finally {
    signal.removeEventListener('abort', leave);
  }
  return { sha256: digest.digest('hex'), bytes };
}

/** The stream's stored texts, versions 1..k, a page at a time (a long stream never sits in memory whole). */
async function* texts(pool: Pool, schema: string, stream: string, k: number, signal: AbortSignal): AsyncGenerator<string> {
  for (let from = 1; from <= k; from += PAGE) {
    signal.throwIfAborted();
    const { rows } = await pool.query<{ canonical: string }>(
      `select canonical from "${schema}".events where stream_id = $1 and stream_version between $2 and $3 order by stream_version`,
      [stream, from, Math.min(k, from + PAGE - 1)],
    );
    for (const r of rows) yield r.canonical;
  }
}
