import { signCheckpoint, type CheckpointBody } from '../note/checkpoint';
import type { NoteSigner } from '../note/signed-note';
import { StreamMap, type StreamHead, type StreamProof } from '../map/stream-map';
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

/** A stream's version as of a tree size; `head` is undefined when the stream grew since and the log no longer holds that link. */
export interface StreamHeadAt {
  readonly stream: string;
  readonly version: number;
  readonly head: string | undefined;
}

/** Stream maps kept by default: the latest checkpoints' and the ones rebuilt last (each is about one entry per stream). */
export const KEPT_STREAM_MAPS = 8;

/** A tree's size and root with its stream map's count and root: what a checkpoint commits to. */
export interface LogCommitment {
  readonly size: number;
  readonly root: Buffer;
  readonly streams: { readonly count: number; readonly root: Buffer };
}

export interface SignedCheckpoint {
  readonly text: string;
  readonly body: CheckpointBody;
}

/**
 * The proof core of the audit log, in memory: one RFC 9162 tree over every event in the
 * store's global order, each stream's head, and the stream maps of the last few checkpoints.
 * The audit service feeds it events below the store's safe read horizon, in order. An older
 * checkpoint's map is rebuilt, not kept (ADR 0054): `streamHeadsAt` says each stream's version at
 * its size, the caller supplies the chain hashes the log no longer holds, `restoreStreamMap`.
 */
export class TransparencyLog {
  private readonly tree = new MerkleTree();
  /** Per stream: its head and its events' leaf indices, in one entry so an append looks the stream up once. */
  private readonly streams = new Map<string, { version: number; head: string; readonly leaves: number[] }>();
  /** By tree size, least recently used first: at most `keptMaps`. */
  private readonly maps = new Map<number, StreamMap>();

  constructor(
    readonly origin: string,
    private readonly keptMaps: number = KEPT_STREAM_MAPS,
  ) {
    if (!Number.isSafeInteger(keptMaps) || keptMaps < 1) throw new RangeError(`keptMaps must be a positive integer, got ${keptMaps}`);
  }

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

  /**
   * Signs a checkpoint of the tree as it is now, committing to every stream's head. `extensions`
   * are further extension lines signed with it (the auditors' trail's commitment, ADR 0077).
   */
  checkpoint(signer: NoteSigner, extensions: readonly string[] = []): SignedCheckpoint {
    const { size, root, streams } = this.commitment();
    const body: CheckpointBody = { origin: this.origin, size, root, streams, ...(extensions.length ? { extensions } : {}) };
    return { text: signCheckpoint(body, signer), body };
  }

  /**
   * What a checkpoint of the tree as it is now commits to, unsigned: size, root and the stream
   * map (kept, so its proofs can be given). Another log's checkpoint carries it as an extension
   * line (ADR 0077).
   */
  commitment(): LogCommitment {
    // Streams change only as the tree grows: a map kept at this size is the map of the log as it
    // is now. Built afresh at every call it cost 0.5–0.8 s at 100,000 streams, on every audit request that signs.
    const map = this.keep(
      this.size,
      this.maps.get(this.size) ?? StreamMap.build([...this.streams].map(([stream, s]) => ({ stream, version: s.version, head: s.head }))),
    );
    return { size: this.size, root: this.root(), streams: { count: map.count, root: map.root } };
  }

  inclusionProof(index: number, size: number = this.size): Buffer[] {
    return this.tree.inclusionProof(index, size);
  }

  consistencyProof(first: number, second: number = this.size): Buffer[] {
    return this.tree.consistencyProof(first, second);
  }

  /** The stream's map proof at a size whose map is kept (a recent checkpoint's, or one restored). */
  streamProof(stream: string, size: number): StreamProof {
    const map = this.streamMap(size);
    if (!map) throw new RangeError(`no stream map is kept at size ${size}`);
    return map.prove(stream);
  }

  /** The map kept at `size`, if any (a recent checkpoint's, or one restored). */
  streamMap(size: number): StreamMap | undefined {
    const map = this.maps.get(size);
    if (map) this.keep(size, map);
    return map;
  }

  /**
   * Every stream's version as of a tree of `size` (the streams with an event below it), in no
   * particular order: with its head when that is still the stream's head now, else without —
   * the caller reads that link (the store's chain hash at that version) to restore the map.
   */
  streamHeadsAt(size: number): StreamHeadAt[] {
    this.checkSize(size);
    const heads: StreamHeadAt[] = [];
    for (const [stream, s] of this.streams) {
      const version = countBelow(s.leaves, size);
      if (version > 0) heads.push({ stream, version, head: version === s.version ? s.head : undefined });
    }
    return heads;
  }

  /**
   * The stream map a checkpoint at `size` committed to, rebuilt from every stream's head as of
   * that size (`streamHeadsAt` with the missing links filled in), and kept like a signed one.
   * Its root equals the signed map root exactly when the heads are the ones the log was fed.
   */
  restoreStreamMap(size: number, heads: Iterable<StreamHead>): StreamMap {
    this.checkSize(size);
    const all = [...heads];
    for (const h of all) {
      const leaves = this.streams.get(h.stream)?.leaves ?? [];
      if (h.version !== countBelow(leaves, size))
        throw new RangeError(`stream ${h.stream} had ${countBelow(leaves, size)} events at size ${size}, not ${h.version}`);
      if (!/^[0-9a-f]{64}$/.test(h.head)) throw new RangeError(`the head of ${h.stream} is not 64 lowercase hex digits`);
    }
    return this.keep(size, StreamMap.build(all));
  }

  /** Leaf indices of the stream's events that a tree of `size` holds, in version order. */
  streamLeaves(stream: string, size: number = this.size): number[] {
    const leaves = this.streams.get(stream)?.leaves ?? [];
    return leaves.slice(0, countBelow(leaves, size));
  }

  private keep(size: number, map: StreamMap): StreamMap {
    this.maps.delete(size);
    this.maps.set(size, map);
    for (const oldest of this.maps.keys()) {
      if (this.maps.size <= this.keptMaps) break;
      this.maps.delete(oldest);
    }
    return map;
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new RangeError(`size ${size} is not in a tree of ${this.size}`);
  }
}

/** How many of the ascending `leaves` are below `size`. */
function countBelow(leaves: readonly number[], size: number): number {
  let lo = 0;
  let hi = leaves.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (leaves[mid]! < size) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
