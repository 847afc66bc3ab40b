import { signCheckpoint, type CheckpointBody } from '../note/checkpoint';
import type { NoteSigner } from '../note/signed-note';
import { StreamMap, type StreamProof } from '../map/stream-map';
import { leafHash, sha256 } from '../tree/hashing';
import { MerkleTree } from '../tree/merkle-tree';

/** The `prevHash` of a stream's first event in the event store's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** One event as the log takes it: its canonical text and the stream position that text states. */
export interface LogEvent {
  readonly text: string;
  readonly stream: string;
  readonly version: number;
  /**
   * The store's chain hash of this event, sha256(prevHash ‖ text) in hex. Computed here when
   * absent; a caller that passes the stored column saves a hash per event, and a wrong one
   * shows when an evidence bundle recomputes the chain from the texts.
   */
  readonly hash?: string;
}

/** The stream and version an event's canonical text states (what a verifier reads, not what a column says). */
export function eventPosition(text: string): { stream: string; version: number } {
  const parsed = JSON.parse(text) as { streamId?: unknown; streamVersion?: unknown };
  if (typeof parsed.streamId !== 'string' || !Number.isSafeInteger(parsed.streamVersion) || (parsed.streamVersion as number) < 1)
    throw new TypeError('the event text has no streamId and positive integer streamVersion');
  return { stream: parsed.streamId, version: parsed.streamVersion as number };
}

export function chainHash(prevHash: string, text: string): string {
  return sha256(Buffer.from(prevHash + text, 'utf8')).toString('hex');
}

export interface SignedCheckpoint {
  readonly text: string;
  readonly body: CheckpointBody;
}

/**
 * The proof core of the audit log, in memory: one RFC 9162 tree over every event in the
 * store's global order, each stream's head, and at each checkpoint the stream map it commits
 * to. The audit service feeds it events below the store's safe read horizon, in order.
 */
export class TransparencyLog {
  private readonly tree = new MerkleTree();
  /** Per stream: its head and its events' leaf indices, in one entry so an append looks the stream up once. */
  private readonly streams = new Map<string, { version: number; head: string; readonly leaves: number[] }>();
  private readonly maps = new Map<number, StreamMap>();

  constructor(readonly origin: string) {}

  get size(): number {
    return this.tree.size;
  }

  /** Appends the next event of the global order; its version must follow its stream's head. */
  append(event: LogEvent): number {
    const known = this.streams.get(event.stream);
    const expected = (known?.version ?? 0) + 1;
    if (event.version !== expected) throw new RangeError(`stream ${event.stream}: expected version ${expected}, got ${event.version}`);
    const head = event.hash ?? chainHash(known?.head ?? GENESIS_HASH, event.text);
    const index = this.tree.append(leafHash(event.text));
    if (known) {
      known.version = event.version;
      known.head = head;
      known.leaves.push(index);
    } else this.streams.set(event.stream, { version: event.version, head, leaves: [index] });
    return index;
  }

  root(size: number = this.size): Buffer {
    return this.tree.root(size);
  }

  /** Signs a checkpoint of the tree as it is now, committing to every stream's head. */
  checkpoint(signer: NoteSigner): SignedCheckpoint {
    const map = StreamMap.build([...this.streams].map(([stream, s]) => ({ stream, version: s.version, head: s.head })));
    this.maps.set(this.size, map);
    const body: CheckpointBody = { origin: this.origin, size: this.size, root: this.root(), streams: { count: map.count, root: map.root } };
    return { text: signCheckpoint(body, signer), body };
  }

  inclusionProof(index: number, size: number = this.size): Buffer[] {
    return this.tree.inclusionProof(index, size);
  }

  consistencyProof(first: number, second: number = this.size): Buffer[] {
    return this.tree.consistencyProof(first, second);
  }

  /** The stream's map proof at a checkpointed size. */
  streamProof(stream: string, size: number): StreamProof {
    const map = this.maps.get(size);
    if (!map) throw new RangeError(`no checkpoint was taken at size ${size}`);
    return map.prove(stream);
  }

  /** Leaf indices of the stream's events that a tree of `size` holds, in version order. */
  streamLeaves(stream: string, size: number = this.size): number[] {
    return (this.streams.get(stream)?.leaves ?? []).filter((i) => i < size);
  }
}
