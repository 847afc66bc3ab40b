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
 * event as of then was recorded under one of them (`org_id`, the organisation the event is scoped
 * to). As of an instant a stream is the versions before the first one recorded after it, as the
 * store folds it (`lastVersionAt`): versions need not be recorded in time order, and the last
 * version recorded by then may lie past that prefix. Paged by stream id in byte order (ids are
 * ASCII; "C" so SQL and the merge here agree), unique across the stores since each kind has its
 * prefix. One pass over each store's events per page, and a look-up by key of each stream's last
 * event as of then: the stores index no `org_id`, and the reader may add none.
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
    const events = `"${reader.stores[context].schema}".events`;
    const { rows } = await reader.pool.query<{ stream_id: string }>(
      // The prefix's last event: the greatest version below the first recorded after the instant
      // (none: the stream began after it), or the stream's last. Greatest, not "one before": a
      // stream missing a version is still listed, and its fold says it is broken (422).
      `select p.stream_id from (
         select stream_id, min(stream_version) filter (where recorded_at > $2) as first_after
           from ${events} where stream_id collate "C" > $3 group by stream_id) p
         cross join lateral (
           select e.org_id from ${events} e
            where e.stream_id = p.stream_id and e.stream_version < coalesce(p.first_after, 2147483647)
            order by e.stream_version desc limit 1) last
        where last.org_id = any($1::text[])
        order by p.stream_id collate "C" limit $4`,
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
