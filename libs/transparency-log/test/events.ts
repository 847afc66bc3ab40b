import { canonical } from '../src/canonical';

/**
 * Event texts shaped like the store's (RFC 8785 canonical envelopes, keys sorted), with
 * Chinese text, quotes and escapes, so every hash here covers real UTF-8.
 */
export function eventText(stream: string, version: number, i = 0): string {
  return canonical({
    actor: { orgId: 'org-910425', roles: ['organizer'], sub: 'user-7' },
    causationId: `c-${i}`,
    correlationId: `r-${i}`,
    data: { note: `第${version}次 "评议" \\ ${stream}`, score: 90 + (i % 10) },
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    occurredAt: '2026-11-30T01:00:00.000Z',
    orgId: 'org-910425',
    recordedAt: '2026-11-30T01:00:00.000Z',
    streamId: stream,
    streamVersion: version,
    type: 'evaluation.PledgeFiled',
    version: 1,
  });
}

/** A global order interleaving streams: [stream, version] pairs. */
export function interleaved(streams: readonly string[], perStream: number): [string, number][] {
  const out: [string, number][] = [];
  for (let v = 1; v <= perStream; v++) for (const s of streams) out.push([s, v]);
  return out;
}
