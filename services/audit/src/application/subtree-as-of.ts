import type { AuditedContext } from '../infrastructure/audit-database';
import type { AuditReader } from './audit-reader';

/** Streams one subtree page folds (each is a few reads): the timeline's page size. */
export const MAX_SUBTREE_PAGE = 200;

export interface SubtreePage {
  /** The page's streams in stream-id order, with the store that holds each. */
  readonly streams: readonly { readonly streamId: string; readonly context: AuditedContext }[];
  /** Give as `after` for the next page; null on the last. */
  readonly nextAfter: string | null;
}

/** Stream-id byte order, the order SQL pages in (`collate "C"`; ids are ASCII). */
export const byStreamId = (a: { streamId: string }, b: { streamId: string }): number =>
  a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;

/**
 * The streams of both stores that belonged to one of `orgIds` at `recordedAt`: those whose last
 * event recorded by then was recorded under one of them (`org_id`, the organisation the event
 * is scoped to). Paged by stream id in byte order (ids are ASCII; "C" so SQL and the merge here
 * agree), unique across the stores since each kind has its prefix. One pass over each store's
 * events up to the instant per page: the stores index no `org_id`, and the reader may add none.
 */
export async function subtreeStreams(
  reader: AuditReader,
  orgIds: readonly string[],
  recordedAt: string,
  after: string,
  limit: number,
): Promise<SubtreePage> {
  const found: { streamId: string; context: AuditedContext }[] = [];
  for (const context of ['evaluation', 'commendation'] as const) {
    const { rows } = await reader.pool.query<{ stream_id: string }>(
      `select stream_id from (
         select distinct on (stream_id) stream_id, org_id from "${reader.stores[context].schema}".events
          where recorded_at <= $2 and stream_id collate "C" > $3
          order by stream_id, stream_version desc) last
        where org_id = any($1::text[])
        order by stream_id collate "C" limit $4`,
      [orgIds, recordedAt, after, limit + 1],
    );
    found.push(...rows.map((r) => ({ streamId: r.stream_id, context })));
  }
  found.sort(byStreamId);
  const page = found.slice(0, limit);
  return { streams: page, nextAfter: found.length > limit ? page.at(-1)!.streamId : null };
}

/** Each stream of the page folded as of the instant, by its owning context's decider. */
export async function subtreeAsOf(reader: AuditReader, orgId: string, organisations: number, recordedAt: string, page: SubtreePage) {
  const streams = [];
  for (const s of page.streams) {
    const folded = await reader.asOf(s.streamId, { recordedAt });
    streams.push({ streamId: s.streamId, context: s.context, version: folded.version, state: folded.state });
  }
  return { orgId, asOf: recordedAt, organisations, streams, nextAfter: page.nextAfter };
}
