import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hashing';

/**
 * An append-only Merkle tree (RFC 9162 §2.1) that keeps the hash of every perfect subtree,
 * level by level, so it can answer for any size it has reached: MTH at that size, inclusion
 * proofs (§2.1.3.1) and consistency proofs (§2.1.4.1). Every subtree an RFC 9162 proof names
 * is made of perfect subtrees, so nothing else is stored: 2n hashes for n leaves (64 MB per
 * million). Catching up to the latest root alone needs only a `CompactRange`.
 */
export class MerkleTree {
  private readonly levels: NodeLevel[] = [];
  private leaves = 0;

  get size(): number {
    return this.leaves;
  }

  append(leaf: Buffer): number {
    if (leaf.length !== HASH_SIZE) throw new RangeError(`a leaf hash is ${HASH_SIZE} bytes, got ${leaf.length}`);
    const index = this.leaves++;
    let hash = leaf;
    let i = index;
    for (let level = 0; ; level++) {
      const nodes = (this.levels[level] ??= new NodeLevel());
      nodes.push(hash);
      // A right child completes its parent: hash the pair into the level above.
      if (i % 2 === 0) break;
      hash = nodeHash(nodes.get(i - 1), hash);
      i = (i - 1) / 2;
    }
    return index;
  }

  /** MTH(D[0:size]) for any size up to the current one: the stored peaks folded, O(log n) hashes. */
  root(size: number = this.size): Buffer {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size);
  }

  leaf(index: number): Buffer {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) throw new RangeError(`no leaf ${index} in a tree of ${this.size}`);
    return this.levels[0]!.get(index);
  }

  /** PATH(index, D[0:size]): the sibling hashes from the leaf up, at most ⌈log₂ size⌉ of them. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const path: Buffer[] = [];
    let m = index;
    let start = 0;
    let n = size;
    while (n > 1) {
      const k = largestPowerOfTwoBelow(n);
      if (m < k) {
        path.push(this.subtree(start + k, start + n));
        n = k;
      } else {
        path.push(this.subtree(start, start + k));
        m -= k;
        start += k;
        n -= k;
      }
    }
    return path.reverse();
  }

  /** PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1): at most ⌈log₂ second⌉ + 1 hashes; empty when first = second. */
  consistencyProof(first: number, second: number = this.size): Buffer[] {
    this.checkSize(second);
    if (!Number.isSafeInteger(first) || first < 1 || first > second)
      throw new RangeError(`no consistency proof from ${first} to ${second}: need 0 < first ≤ second`);
    const proof: Buffer[] = [];
    let m = first;
    let start = 0;
    let n = second;
    let whole = true; // SUBPROOF's b: the subtree is the old tree itself, whose root the verifier has.
    while (m !== n) {
      const k = largestPowerOfTwoBelow(n);
      if (m <= k) {
        proof.push(this.subtree(start + k, start + n));
        n = k;
      } else {
        proof.push(this.subtree(start, start + k));
        m -= k;
        start += k;
        n -= k;
        whole = false;
      }
    }
    if (!whole) proof.push(this.subtree(start, start + n));
    return proof.reverse();
  }

  /** MTH(D[start:end]); in RFC 9162's recursion `start` is always a multiple of the left part's size. */
  private subtree(start: number, end: number): Buffer {
    const n = end - start;
    if (isPowerOfTwo(n) && start % n === 0) return this.levels[Math.log2(n)]!.get(start / n);
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(this.subtree(start, start + k), this.subtree(start + k, end));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new RangeError(`the tree has ${this.size} leaves, not ${size}`);
  }
}

/** One level's node hashes in one growing buffer: 32 bytes a node, no object per node. */
class NodeLevel {
  private bytes = Buffer.allocUnsafe(HASH_SIZE * 64);
  private count = 0;

  push(hash: Buffer): void {
    if ((this.count + 1) * HASH_SIZE > this.bytes.length) {
      const grown = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(grown, 0, 0, this.count * HASH_SIZE);
      this.bytes = grown;
    }
    hash.copy(this.bytes, this.count * HASH_SIZE);
    this.count++;
  }

  get(i: number): Buffer {
    if (i >= this.count) throw new RangeError(`node ${i} not stored`);
    return this.bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let x = n;
  while (x % 2 === 0) x /= 2;
  return x === 1;
}

/** The largest power of two strictly below n (n ≥ 2): RFC 9162's k. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
