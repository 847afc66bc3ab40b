import { equalHashes, HASH_SIZE, nodeHash } from './hashing';

/** Why a proof did not verify; the bundle verifier reports it beside the entry it came from. */
export type ProofFailure =
  | 'bad-size'
  | 'index-beyond-size'
  | 'hash-length'
  | 'proof-too-long'
  | 'proof-too-short'
  | 'empty-proof'
  | 'proof-not-empty'
  | 'from-empty-tree'
  | 'first-root-mismatch'
  | 'root-mismatch';

export type ProofCheck = { readonly ok: true } | { readonly ok: false; readonly reason: ProofFailure; readonly message: string };

const OK: ProofCheck = { ok: true };
const fail = (reason: ProofFailure, message: string): ProofCheck => ({ ok: false, reason, message });

const half = (x: number): number => Math.floor(x / 2);
const odd = (x: number): boolean => x % 2 === 1;
const badSize = (x: number): boolean => !Number.isSafeInteger(x) || x < 0;

/**
 * RFC 9162 §2.1.3.2: does `proof` take `leaf` at `index` to `root` of a tree of `size` leaves?
 * Sizes and indices stay below 2^53, so halving is done arithmetically, not with 32-bit shifts.
 */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): ProofCheck {
  if (badSize(index) || badSize(size)) return fail('bad-size', `index ${index} and size ${size} must be non-negative integers`);
  if (index >= size) return fail('index-beyond-size', `leaf index ${index} is not below tree size ${size}`);
  if (leaf.length !== HASH_SIZE || root.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE))
    return fail('hash-length', 'every hash must be 32 bytes');
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return fail('proof-too-long', `the proof has more hashes than leaf ${index} of ${size} needs`);
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // A left child on the right border: climb until fn is a right child again (or the root's level).
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('proof-too-short', `the proof has too few hashes for leaf ${index} of ${size}`);
  if (!equalHashes(r, root))
    return fail('root-mismatch', `the proof of leaf ${index} leads to a root other than the tree's at size ${size}`);
  return OK;
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `size1` leaves with `root1` a prefix of the one of `size2`
 * with `root2`? Equal sizes need an empty proof and equal roots; a proof from the empty tree
 * proves nothing and is refused (as transparency-dev/merkle does).
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): ProofCheck {
  if (badSize(size1) || badSize(size2)) return fail('bad-size', `sizes ${size1} and ${size2} must be non-negative integers`);
  if (size1 > size2) return fail('bad-size', `the first size ${size1} is larger than the second ${size2}`);
  if (size1 === 0) return fail('from-empty-tree', 'a consistency proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length > 0) return fail('proof-not-empty', `equal sizes (${size1}) need an empty proof`);
    return equalHashes(root1, root2) ? OK : fail('root-mismatch', `two different roots for the same size ${size1}`);
  }
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE))
    return fail('hash-length', 'every hash must be 32 bytes');
  if (proof.length === 0) return fail('empty-proof', `a consistency proof from ${size1} to ${size2} cannot be empty`);
  const path: readonly Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return fail('proof-too-long', `the proof from ${size1} to ${size2} has too many hashes`);
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // A left child on the right border: climb until fn is a right child again (or the root's level).
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail('proof-too-short', `the proof from ${size1} to ${size2} has too few hashes`);
  if (!equalHashes(fr, root1)) return fail('first-root-mismatch', `the proof does not lead to the root of the tree at size ${size1}`);
  if (!equalHashes(sr, root2)) return fail('root-mismatch', `the proof does not lead to the root of the tree at size ${size2}`);
  return OK;
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
