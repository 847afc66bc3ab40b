import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { EvidenceBundleWriter, bundleStream, isDevelopmentLogKey, type NoteVerifier } from '@vanguard/transparency-log';
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
 * events' stored canonical texts read page by page from the store, and their inclusion paths. Resolves with the bundle's SHA-256 and length,
 * which the trail records; rejects as soon as `out` goes away or `signal` aborts, so the caller
 * can let go of its connection at once (ADR 0019).
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
  const writer = new EvidenceBundleWriter({
    key: at.signer.verifier,
    checkpoint: at.checkpoint.text,
    previous: earlier
      .filter((e) => e.size > 0 && e.size <= size)
      .map((e) => ({ checkpoint: e.note, proof: at.log.consistencyProof(e.size, size) })),
  });
  const digest = createHash('sha256');
  let bytes = 0;
  writer.output.pipe(out);
  writer.output.on('data', (b: Buffer) => {
    digest.update(b);
    bytes += b.length;
  });
  const ended = new Promise<void>((resolve, reject) => {
    writer.output.once('end', resolve);
    writer.output.once('error', reject);
  });
  ended.catch(() => undefined);
  // The writer's pending write (waiting for the reader to drain) rejects once its output is gone.
  const leave = () => writer.output.destroy();
  signal.addEventListener('abort', leave, { once: true });
  try {
    for (const stream of inBundleOrder(streams)) {
      signal.throwIfAborted();
      const k = at.log.streamLeaves(stream, size).length;
      await writer.addStream(bundleStream(at.log, size, stream, texts(pool, schema, stream, k, signal), at.map));
    }
    await writer.finish();
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
