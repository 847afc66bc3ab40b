import { eventPosition, GENESIS_HASH } from '../log/transparency-log';
import type { CheckpointBody } from '../note/checkpoint';
import { StreamMap } from '../map/stream-map';
import { CompactRange } from '../tree/compact-range';
import { leafHash, sha256 } from '../tree/hashing';
import { BundleError } from './bundle-error';
import type { TarEntry } from './tar';

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Checks a whole-log bundle's chunks (ADR 0079) against its signed checkpoint: every line is the
 * next leaf, whose tree root must be the checkpoint's, and the next version of the stream it
 * names, whose hash chains must end at the heads the checkpoint's stream map commits to. Holds
 * the tree's right edge and one head per stream, never the events.
 */
export class LogChunksCheck {
  private readonly tree = CompactRange.empty();
  private readonly heads = new Map<string, { version: number; head: string }>();

  constructor(private readonly body: CheckpointBody) {}

  chunk(e: TarEntry): void {
    const c = e.content;
    let start = 0;
    for (let nl = c.indexOf(NEWLINE, start); nl >= 0; nl = c.indexOf(NEWLINE, start)) {
      this.event(c.subarray(start, nl), e.name);
      start = nl + 1;
    }
    if (start !== c.length) throw new BundleError('EVENT_INVALID', 'the chunk does not end with a newline', e.name);
  }

  /** The number of events and streams, once both the root and the stream map are the checkpoint's. */
  finish(lastEntry: string): { events: number; streams: number } {
    const size = this.tree.size;
    if (size !== this.body.size)
      throw new BundleError('LOG_SIZE', `${size} events, the checkpoint is of ${this.body.size}`, lastEntry, this.body.size);
    if (!this.tree.root().equals(this.body.root))
      throw new BundleError(
        'ROOT_MISMATCH',
        `the events make a tree of root ${this.tree.root().toString('base64')}, the checkpoint's root is ${this.body.root.toString('base64')}`,
        lastEntry,
        size,
      );
    const map = StreamMap.build([...this.heads].map(([stream, h]) => ({ stream, version: h.version, head: h.head })));
    // The verifier refuses a checkpoint with no stream map before any chunk (CHECKPOINT_INVALID).
    const committed = this.body.streams!;
    if (map.count !== committed.count || !map.root.equals(committed.root))
      throw new BundleError(
        'CHAIN_MISMATCH',
        `the events' chain heads make a map of ${map.count} streams, root ${map.root.toString('base64')}; the checkpoint commits to ${committed.count}, root ${committed.root.toString('base64')}`,
        lastEntry,
        size,
      );
    return { events: size, streams: map.count };
  }

  private event(line: Buffer, entry: string): void {
    const leaf = this.tree.size;
    if (leaf >= this.body.size) throw new BundleError('LOG_SIZE', `more than the checkpoint's ${this.body.size} events`, entry);
    let position: { stream: string; version: number };
    try {
      position = eventPosition(utf8.decode(line));
    } catch (err) {
      throw new BundleError('EVENT_INVALID', `leaf ${leaf}: ${(err as Error).message}`, entry);
    }
    const known = this.heads.get(position.stream);
    const expected = (known?.version ?? 0) + 1;
    if (position.version !== expected)
      throw new BundleError(
        'EVENT_MISPLACED',
        `leaf ${leaf} is ${position.stream} version ${position.version}, the stream's next is version ${expected}`,
        entry,
      );
    // The store's chainHash, over the bytes as they are.
    const head = sha256(Buffer.concat([Buffer.from(known?.head ?? GENESIS_HASH, 'ascii'), line])).toString('hex');
    if (known) {
      known.version = expected;
      known.head = head;
    } else this.heads.set(position.stream, { version: expected, head });
    this.tree.append(leafHash(line));
  }
}
