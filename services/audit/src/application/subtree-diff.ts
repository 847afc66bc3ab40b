import type { AuditedContext } from '../infrastructure/audit-database';
import type { AuditReader } from './audit-reader';
import { byStreamId, subtreeStreams } from './subtree-as-of';

/** A stream of the subtree at either instant, and at which (membership as ADR 0056 defines it). */
export interface SubtreeDiffStream {
  readonly streamId: string;
  readonly context: AuditedContext;
  readonly atFrom: boolean;
  readonly atTo: boolean;
}

export interface SubtreeDiffPage {
  readonly streams: readonly SubtreeDiffStream[];
  /** Give as `after` for the next page; null on the last. */
  readonly nextAfter: string | null;
}

/** The subtree's organisations at each instant, each by the tree as it stood then (ADR 0081). */
export interface SubtreeAtBoth {
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/**
 * The streams that belonged to the subtree at `fromAt` or at `toAt`, one page in stream-id order:
 * the subtree-as-of page at each instant (its organisations as they stood then), merged. The first
 * `limit` of the union are all among the first `limit` of each side, so one page of each is
 * enough, and each side's page says whether the stream was in the subtree at that instant.
 */
export async function subtreeStreamsBetween(
  reader: AuditReader,
  orgIds: SubtreeAtBoth,
  fromAt: string,
  toAt: string,
  after: string,
  limit: number,
): Promise<SubtreeDiffPage> {
  const a = await subtreeStreams(reader, orgIds.from, fromAt, after, limit);
  const b = await subtreeStreams(reader, orgIds.to, toAt, after, limit);
  const atFrom = new Set(a.streams.map((s) => s.streamId));
  const atTo = new Set(b.streams.map((s) => s.streamId));
  const union = [...new Map([...a.streams, ...b.streams].map((s) => [s.streamId, s])).values()].sort(byStreamId);
  const page = union.slice(0, limit);
  const more = union.length > limit || a.nextAfter !== null || b.nextAfter !== null;
  return {
    streams: page.map((s) => ({ ...s, atFrom: atFrom.has(s.streamId), atTo: atTo.has(s.streamId) })),
    nextAfter: more ? page.at(-1)!.streamId : null,
  };
}

/**
 * How a stream of the page differs between the two instants: `added` (in the subtree at `to`, not
 * at `from`: begun in between, `from.version` 0, or its events since recorded under an
 * organisation of the subtree), `removed` (it left: its last event by `to` was recorded outside
 * the subtree), `changed` (in it at both, with events recorded in between). The fields that
 * differ and the events in between are the stream diff's own (`AuditReader.diff`).
 */
export type SubtreeChange = 'added' | 'removed' | 'changed';

/**
 * The page's streams diffed between the two instants; those in the subtree at both at one version
 * are only counted. `organisations` counts those of the subtree at either instant, each side's own.
 */
export async function subtreeDiff(
  reader: AuditReader,
  orgId: string,
  orgIds: SubtreeAtBoth,
  fromAt: string,
  toAt: string,
  page: SubtreeDiffPage,
) {
  const streams = [];
  let unchanged = 0;
  for (const s of page.streams) {
    const d = await reader.diff(s.streamId, { recordedAt: fromAt }, { recordedAt: toAt });
    const change: SubtreeChange | null = !s.atFrom ? 'added' : !s.atTo ? 'removed' : d.from.version !== d.to.version ? 'changed' : null;
    if (change === null) unchanged += 1;
    else
      streams.push({
        streamId: s.streamId,
        context: s.context,
        change,
        from: { version: d.from.version },
        to: { version: d.to.version },
        changes: d.changes,
        events: d.events,
      });
  }
  return {
    orgId,
    organisations: new Set([...orgIds.from, ...orgIds.to]).size,
    from: { asOf: fromAt, organisations: orgIds.from.length },
    to: { asOf: toAt, organisations: orgIds.to.length },
    streams,
    unchanged,
    nextAfter: page.nextAfter,
  };
}
