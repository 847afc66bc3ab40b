import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1 written out as the RFC states it, recursion and all, with its own SHA-256 calls:
 * the slow reference the incremental tree and its proofs are compared against.
 */
const h = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1); // largest power of two < n (n ≥ 2)

export const refLeaf = (d: Uint8Array): Buffer => h(LEAF, d);

/** MTH(D[n]) over leaf *hashes*. */
export function refRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return leaves[0]!;
  const s = k(leaves.length);
  return h(NODE, refRoot(leaves.slice(0, s)), refRoot(leaves.slice(s)));
}

/** PATH(m, D[n]) (§2.1.3.1). */
export function refPath(m: number, leaves: readonly Buffer[]): Buffer[] {
  const n = leaves.length;
  if (n === 1) return [];
  const s = k(n);
  return m < s
    ? [...refPath(m, leaves.slice(0, s)), refRoot(leaves.slice(s))]
    : [...refPath(m - s, leaves.slice(s)), refRoot(leaves.slice(0, s))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (§2.1.4.1). */
export function refProof(m: number, leaves: readonly Buffer[]): Buffer[] {
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: readonly Buffer[], b: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [refRoot(leaves)];
  const s = k(n);
  return m <= s
    ? [...subproof(m, leaves.slice(0, s), b), refRoot(leaves.slice(s))]
    : [...subproof(m - s, leaves.slice(s), false), refRoot(leaves.slice(0, s))];
}
