import { GENESIS_HASH } from '@vanguard/event-store';
import { AuditRefusal } from './audit-refusal';

/** What an event's place in its stream's chain is: its version and the hashes that link it. */
export interface StreamLink {
  readonly streamVersion: number;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * The first link of a stream's chain that does not hold, or null: versions run 1..n with none
 * missing, and each event's `prevHash` is the hash of the version before it (the genesis hash for
 * version 1). A fold or a replay over a stream with a row gone would otherwise take version k+1
 * for version k and explain, or show, a decision nobody took.
 */
export function brokenLink(links: readonly StreamLink[]): { version: number; reason: string } | null {
  let prev: StreamLink | undefined;
  for (const [i, link] of links.entries()) {
    const expected = i + 1;
    if (link.streamVersion !== expected)
      return {
        version: expected,
        reason: `版本 ${expected} 缺失 / version ${expected} is missing: version ${link.streamVersion} follows ${prev ? `version ${prev.streamVersion}` : 'the start'}`,
      };
    const before = prev?.hash ?? GENESIS_HASH;
    if (link.prevHash !== before)
      return {
        version: expected,
        reason: `版本 ${expected} 未链接到前一版本 / version ${expected} does not link to ${prev ? `version ${prev.streamVersion}` : 'the start'}: its prevHash is not ${prev ? 'that version’s hash' : 'the genesis hash'}`,
      };
    prev = link;
  }
  return null;
}

/** 422 `AUDIT.STREAM_BROKEN` naming the stream and its first broken link, rather than a state or a replay built over it. */
export function checkLinks(streamId: string, links: readonly StreamLink[]): void {
  const broken = brokenLink(links);
  if (broken)
    throw AuditRefusal.notReplayable(
      'AUDIT.STREAM_BROKEN',
      `流 ${streamId} 的哈希链断裂，不重放 / ${streamId} is not replayed over a broken chain: ${broken.reason}`,
    );
}
