import { equalHashes, HASH_SIZE, nodeHash } from './hashing';
import { verifyInclusion, type ProofCheck } from './proof-verify';

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
  /** `level:index` → the node there; the root's position included. */
  private readonly nodes = new Map<string, Uint8Array>();

  constructor(
    readonly size: number,
    readonly root: Uint8Array,
  ) {}

  /** How many positions are held (a leaf's whole path adds about twice its length). */
  get held(): number {
    return this.nodes.size;
  }

  verify(index: number, leaf: Uint8Array, proof: readonly Uint8Array[]): ProofCheck {
    // Every refusal is verifyInclusion's own, reason and all: refusals are rare, and this keeps them exact.
    const alone = () => verifyInclusion(index, this.size, leaf, proof, this.root);
    if (this.nodes.size === 0) return this.verifyAlone(index, leaf, proof);
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size || proof.length > 64) return alone();
    if (leaf.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return alone();
    const seen: [string, Uint8Array][] = [];
    let fn = index;
    let sn = this.size - 1;
    let level = 0;
    let r: Uint8Array = leaf;
    // true once the walk stands on a proven node: from there on the proof's hashes are compared, not hashed.
    let proven = this.matches(`0:${fn}`, r);
    if (proven === false) return alone();
    seen.push([`0:${fn}`, r]);
    for (const p of proof) {
      if (sn === 0) return alone();
      let left = false;
      if (odd(fn) || fn === sn) {
        // A node on the right border with no sibling is its own parent: it climbs unhashed.
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
          level++;
          if (!proven) seen.push([`${level}:${fn}`, r]);
        }
        left = true;
      }
      const siblingAt = `${level}:${left ? fn - 1 : fn + 1}`;
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
        const known = this.matches(`${level}:${fn}`, r);
        if (known === false) return alone();
        proven = known;
        seen.push([`${level}:${fn}`, r]);
      }
    }
    if (sn !== 0 || (!proven && !equalHashes(r, this.root))) return alone();
    for (const [at, node] of seen) this.nodes.set(at, node);
    return { ok: true };
  }

  /** The first proof of a tree: verifyInclusion's walk, then its nodes recorded from a second pass. */
  private verifyAlone(index: number, leaf: Uint8Array, proof: readonly Uint8Array[]): ProofCheck {
    const check = verifyInclusion(index, this.size, leaf, proof, this.root);
    if (!check.ok) return check;
    let fn = index;
    let sn = this.size - 1;
    let level = 0;
    let r: Uint8Array = leaf;
    this.nodes.set(`0:${fn}`, r);
    for (const p of proof) {
      let left = false;
      if (odd(fn) || fn === sn) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
          level++;
          this.nodes.set(`${level}:${fn}`, r);
        }
        left = true;
      }
      this.nodes.set(`${level}:${left ? fn - 1 : fn + 1}`, p);
      r = left ? nodeHash(p, r) : nodeHash(r, p);
      fn = half(fn);
      sn = half(sn);
      level++;
      this.nodes.set(`${level}:${fn}`, r);
    }
    return check;
  }

  /** true: the proven node there is `node`; false: another node is proven there; undefined: nothing is known there. */
  private matches(at: string, node: Uint8Array): boolean | undefined {
    const known = this.nodes.get(at);
    return known === undefined ? undefined : equalHashes(known, node);
  }
}
