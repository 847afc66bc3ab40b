import { equalHashes, HASH_SIZE, nodeHash } from './hashing';
import { verifyInclusion, type ProofCheck } from './proof-verify';

/** Trees up to 2^40 leaves keep nodes (a position is then one safe integer); larger ones are verified alone. */
const MAX_SIZE = 2 ** 40;
/** A node's position as one number: no key string built at each step of a walk. */
const at = (level: number, index: number): number => level * 2 * MAX_SIZE + index;

const half = (x: number): number => Math.floor(x / 2);
const odd = (x: number): boolean => x % 2 === 1;

/**
 * The nodes of one tree (size and root) that earlier inclusion proofs have shown to lead to its
 * root, so proving the other leaves of the same tree stops hashing where their path meets one
 * (ADR 0087). Each leaf's path of a 256-leaf batch costs 8 node hashes alone; proved one after
 * another, the batch's leaves cost about two each, as building the tree would.
 *
 * The answer is always verifyInclusion's: above the first proven node the rest of the proof is
 * still walked, and each of its hashes must be the proven sibling there (compared, not hashed),
 * so a proof with a wrong hash anywhere, too many or too few is refused as it would be alone.
 * Only a proof that verifies adds nodes.
 */
export class ProvenNodes {
  /** Position ({@link at}) → the node there; the root's position included. */
  private readonly nodes = new Map<number, Uint8Array>();

  readonly root: Uint8Array;

  constructor(
    readonly size: number,
    root: Uint8Array,
  ) {
    this.root = owned(root);
  }

  /** How many positions are held (a leaf's whole path adds about twice its length). */
  get held(): number {
    return this.nodes.size;
  }

  verify(index: number, leaf: Uint8Array, proof: readonly Uint8Array[]): ProofCheck {
    // Every refusal is verifyInclusion's own, reason and all: refusals are rare, and this keeps them exact.
    const alone = () => verifyInclusion(index, this.size, leaf, proof, this.root);
    if (!Number.isSafeInteger(this.size) || this.size > MAX_SIZE) return alone();
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size || proof.length > 64) return alone();
    if (leaf.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return alone();
    const seen: [number, Uint8Array][] = [];
    let fn = index;
    let sn = this.size - 1;
    let level = 0;
    let r: Uint8Array = leaf;
    // true once the walk stands on a proven node: from there on the proof's hashes are compared, not hashed.
    let proven = this.matches(at(0, fn), r);
    if (proven === false) return alone();
    seen.push([at(0, fn), r]);
    for (const p of proof) {
      if (sn === 0) return alone();
      let left = false;
      if (odd(fn) || fn === sn) {
        // A node on the right border with no sibling is its own parent: it climbs unhashed.
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
          level++;
          if (!proven) seen.push([at(level, fn), r]);
        }
        left = true;
      }
      const siblingAt = at(level, left ? fn - 1 : fn + 1);
      if (proven) {
        const sibling = this.nodes.get(siblingAt);
        if (!sibling || !equalHashes(sibling, p)) return alone();
      } else {
        r = left ? nodeHash(p, r) : nodeHash(r, p);
        seen.push([siblingAt, p]);
      }
      fn = half(fn);
      sn = half(sn);
      level++;
      if (!proven) {
        const known = this.matches(at(level, fn), r);
        if (known === false) return alone();
        proven = known;
        seen.push([at(level, fn), r]);
      }
    }
    if (sn !== 0 || (!proven && !equalHashes(r, this.root))) return alone();
    for (const [position, node] of seen) this.record(position, node);
    return { ok: true };
  }

  /**
   * A copy of the node in memory of its own: a caller's buffer may be reused after the call, and
   * a slice of Node's shared pool (what decoding base64 gives) would keep its whole 8 KB block.
   */
  private record(position: number, node: Uint8Array): void {
    if (!this.nodes.has(position)) this.nodes.set(position, owned(node));
  }

  /** true: the proven node there is `node`; false: another node is proven there; undefined: nothing is known there. */
  private matches(position: number, node: Uint8Array): boolean | undefined {
    const known = this.nodes.get(position);
    return known === undefined ? undefined : equalHashes(known, node);
  }
}

function owned(hash: Uint8Array): Uint8Array {
  const copy = new Uint8Array(hash.length);
  copy.set(hash);
  return copy;
}
