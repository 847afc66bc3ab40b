import { decodeHashBase64, EMPTY_ROOT, equalHashes, leafHash } from '../tree/hashing';
import { MerkleTree } from '../tree/merkle-tree';
import { verifyInclusion } from '../tree/proof-verify';

/**
 * Per-stream completeness (ADR 0033). Each checkpoint commits to a map from stream id to that
 * stream's head as of the checkpoint: its version (event count) and the hash chain's last link,
 * which the event store computes as sha256(prevHash ‖ canonical text). The map is an RFC 9162
 * tree over the entries sorted by stream id, so one entry with its inclusion path shows a
 * stream's head, and two neighbouring entries show that a stream had no events at all.
 */
export interface StreamHead {
  readonly stream: string;
  readonly version: number;
  /** The stream's last chain hash, 64 lowercase hex digits. */
  readonly head: string;
}

/** One entry as it is hashed: canonical JSON, `{"head":…,"stream":…,"version":…}`. */
export function streamHeadText(h: StreamHead): string {
  // The canonical text written out (keys in order, strings as JSON.stringify escapes them): a checkpoint builds one per stream.
  return `{"head":${JSON.stringify(h.head)},"stream":${JSON.stringify(h.stream)},"version":${h.version}}`;
}

const ASCII = /^[^\u0080-\uffff]*$/;

/** Byte order of the UTF-8 stream ids; for ASCII ids (the store's rule) that is plain string order, without encoding. */
export function compareStreams(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export interface MapLeafProof {
  readonly index: number;
  readonly entry: StreamHead;
  /** base64 sibling hashes */
  readonly path: readonly string[];
}

/** `present`: the stream's head; `absent`: the neighbours around where it would sort (none at an end). */
export type StreamProof =
  | { readonly kind: 'present'; readonly leaf: MapLeafProof }
  | { readonly kind: 'absent'; readonly left?: MapLeafProof; readonly right?: MapLeafProof };

export class StreamMap {
  private constructor(
    private readonly entries: readonly StreamHead[],
    private readonly tree: MerkleTree,
  ) {}

  static build(heads: Iterable<StreamHead>): StreamMap {
    const entries = [...heads].sort((a, b) => compareStreams(a.stream, b.stream));
    const tree = new MerkleTree();
    for (let i = 0; i < entries.length; i++) {
      if (i > 0 && entries[i - 1]!.stream === entries[i]!.stream) throw new RangeError(`stream ${entries[i]!.stream} appears twice`);
      tree.append(leafHash(streamHeadText(entries[i]!)));
    }
    return new StreamMap(entries, tree);
  }

  get count(): number {
    return this.entries.length;
  }

  get root(): Buffer {
    return this.tree.root();
  }

  head(stream: string): StreamHead | undefined {
    const i = this.search(stream);
    return i >= 0 ? this.entries[i] : undefined;
  }

  prove(stream: string): StreamProof {
    const i = this.search(stream);
    if (i >= 0) return { kind: 'present', leaf: this.leafProof(i) };
    const right = -i - 1; // the insertion point
    return {
      kind: 'absent',
      ...(right > 0 ? { left: this.leafProof(right - 1) } : {}),
      ...(right < this.entries.length ? { right: this.leafProof(right) } : {}),
    };
  }

  private leafProof(index: number): MapLeafProof {
    return { index, entry: this.entries[index]!, path: this.tree.inclusionProof(index).map((h) => h.toString('base64')) };
  }

  /** Index of `stream`, or -(insertion point) - 1. */
  private search(stream: string): number {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareStreams(this.entries[mid]!.stream, stream);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }
}

export type StreamProofCheck =
  { readonly ok: true; readonly head: StreamHead | undefined } | { readonly ok: false; readonly message: string };

/**
 * Checks a stream proof against the map a checkpoint commits to (`count` entries, `root`).
 * On success `head` is the stream's head, or undefined when the map proves it had no events.
 */
export function verifyStreamProof(stream: string, proof: StreamProof, count: number, root: Uint8Array): StreamProofCheck {
  const bad = (message: string): StreamProofCheck => ({ ok: false, message });
  const leafOk = (p: MapLeafProof): string | undefined => {
    const path = p.path.map((h) => decodeHashBase64(h));
    if (path.some((h) => h === undefined)) return `map path of entry ${p.index} is not base64`;
    const check = verifyInclusion(p.index, count, leafHash(streamHeadText(p.entry)), path as Buffer[], root);
    return check.ok ? undefined : `map entry ${p.index} (${p.entry.stream}) is not in the checkpoint's stream map: ${check.message}`;
  };
  if (proof.kind === 'present') {
    if (proof.leaf.entry.stream !== stream) return bad(`the map entry is of stream ${proof.leaf.entry.stream}, not ${stream}`);
    const problem = leafOk(proof.leaf);
    return problem ? bad(problem) : { ok: true, head: proof.leaf.entry };
  }
  const { left, right } = proof;
  if (!left && !right) return count === 0 && equalHashes(root, EMPTY_ROOT) ? { ok: true, head: undefined } : bad('the map is not empty');
  if (left && compareStreams(left.entry.stream, stream) >= 0)
    return bad(`left neighbour ${left.entry.stream} does not sort before ${stream}`);
  if (right && compareStreams(right.entry.stream, stream) <= 0)
    return bad(`right neighbour ${right.entry.stream} does not sort after ${stream}`);
  if (!left && right!.index !== 0) return bad('without a left neighbour the right one must be the first entry');
  if (!right && left!.index !== count - 1) return bad('without a right neighbour the left one must be the last entry');
  if (left && right && right.index !== left.index + 1) return bad('the neighbours are not adjacent entries');
  for (const p of [left, right]) {
    const problem = p && leafOk(p);
    if (problem) return bad(problem);
  }
  return { ok: true, head: undefined };
}
