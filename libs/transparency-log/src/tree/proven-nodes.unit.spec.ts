import { leafHash } from './hashing';
import { MerkleTree } from './merkle-tree';
import { verifyInclusion } from './proof-verify';
import { ProvenNodes } from './proven-nodes';

/**
 * ProvenNodes answers what verifyInclusion answers, proof by proof, whatever came before: every
 * leaf of random trees in random order, with a third of the proofs tampered in the ways the
 * transparency-dev probes tamper them. verifyInclusion is the independent check.
 */
/** A seeded xorshift, so a failure replays (this library may not depend on @vanguard/testing). */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

describe('ProvenNodes', () => {
  const random = xorshift(87);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const flip = (h: Uint8Array): Buffer => {
    const b = Buffer.from(h);
    b[Math.floor(random() * b.length)]! ^= 1 << Math.floor(random() * 8);
    return b;
  };

  function treeOf(size: number) {
    const tree = new MerkleTree();
    const leaves = Array.from({ length: size }, (_, i) => leafHash(`leaf ${size}/${i}/${random()}`));
    for (const l of leaves) tree.append(l);
    return { tree, leaves, root: tree.root() };
  }

  type Attempt = { index: number; leaf: Uint8Array; proof: Uint8Array[]; tampered: string };

  function tamper(a: Attempt, size: number, leaves: readonly Buffer[]): Attempt {
    const { index, leaf, proof } = a;
    const ways: (() => Attempt | undefined)[] = [
      () => ({ ...a, leaf: flip(leaf), tampered: 'leaf' }),
      () =>
        proof.length
          ? { ...a, proof: proof.map((p, i) => (i === Math.floor(random() * proof.length) ? flip(p) : p)), tampered: 'a path hash' }
          : undefined,
      () => (proof.length ? { ...a, proof: proof.slice(0, -1), tampered: 'last hash dropped' } : undefined),
      () => ({ ...a, proof: [...proof, pick(leaves)], tampered: 'hash appended' }),
      () => (proof.length ? { ...a, proof: [pick(leaves), ...proof], tampered: 'hash prepended' } : undefined),
      () => (size > 1 ? { ...a, index: (index + 1 + Math.floor(random() * (size - 1))) % size, tampered: 'another index' } : undefined),
      () => (size > 1 ? { ...a, leaf: leaves[(index + 1) % size]!, tampered: "a neighbour's leaf" } : undefined),
      () => ({ ...a, index: size, tampered: 'index = size' }),
      () => ({ ...a, index: -1, tampered: 'negative index' }),
      () => (proof.length > 1 ? { ...a, proof: [...proof].reverse(), tampered: 'path reversed' } : undefined),
      () =>
        proof.length
          ? { ...a, proof: proof.map((p, i) => (i === proof.length - 1 ? Buffer.alloc(31) : p)), tampered: 'short hash' }
          : undefined,
    ];
    for (;;) {
      const t = pick(ways)();
      if (t) return t;
    }
  }

  it('answers as verifyInclusion does for every leaf of 120 random trees in random order, a third of the proofs tampered', () => {
    let refused = 0;
    let accepted = 0;
    for (let t = 0; t < 120; t++) {
      const size = 1 + Math.floor(random() * (t % 3 === 0 ? 300 : 40));
      const { tree, leaves, root } = treeOf(size);
      const proven = new ProvenNodes(size, root);
      const order = Array.from({ length: size }, (_, i) => i).sort(() => random() - 0.5);
      for (const index of [...order, ...order.slice(0, 5)]) {
        let a: Attempt = { index, leaf: leaves[index]!, proof: tree.inclusionProof(index), tampered: 'none' };
        if (random() < 1 / 3) a = tamper(a, size, leaves);
        const want = verifyInclusion(a.index, size, a.leaf, a.proof, root);
        const got = proven.verify(a.index, a.leaf, a.proof);
        expect({ size, index: a.index, tampered: a.tampered, got }).toEqual({ size, index: a.index, tampered: a.tampered, got: want });
        if (want.ok) accepted++;
        else refused++;
      }
    }
    expect(accepted).toBeGreaterThan(2_000);
    expect(refused).toBeGreaterThan(1_000);
  });

  it('holds, after a whole tree is proved, one node per position: about twice its leaves', () => {
    const size = 256;
    const { tree, leaves, root } = treeOf(size);
    const proven = new ProvenNodes(size, root);
    for (let i = 0; i < size; i++) expect(proven.verify(i, leaves[i]!, tree.inclusionProof(i)).ok).toBe(true);
    expect(proven.held).toBe(2 * size - 1);
  });

  it('learns nothing from a refused proof: a forged leaf never becomes a proven node', () => {
    const { tree, leaves, root } = treeOf(37);
    const proven = new ProvenNodes(37, root);
    const forged = leafHash('forged');
    expect(proven.verify(5, forged, tree.inclusionProof(5)).ok).toBe(false);
    expect(proven.held).toBe(0);
    expect(proven.verify(5, leaves[5]!, tree.inclusionProof(5)).ok).toBe(true);
    const held = proven.held;
    expect(proven.verify(5, forged, tree.inclusionProof(5)).ok).toBe(false);
    expect(proven.verify(4, forged, tree.inclusionProof(4)).ok).toBe(false);
    expect(proven.held).toBe(held);
  });

  it('refuses a proof for another root even when its upper half is the proven one', () => {
    const a = treeOf(64);
    const proven = new ProvenNodes(64, a.root);
    for (let i = 0; i < 32; i++) expect(proven.verify(i, a.leaves[i]!, a.tree.inclusionProof(i)).ok).toBe(true);
    // A right half of other leaves, with the proven left half's node as its last path hash: its own root differs.
    const b = new MerkleTree();
    for (let i = 0; i < 32; i++) b.append(a.leaves[i]!);
    for (let i = 32; i < 64; i++) b.append(leafHash(`other ${i}`));
    for (let i = 32; i < 64; i++) expect(proven.verify(i, leafHash(`other ${i}`), b.inclusionProof(i)).ok).toBe(false);
  });

  it("keeps its own copies: a caller's buffers reused after a call change nothing it proved", () => {
    const { tree, leaves, root } = treeOf(4);
    const rootBuffer = Buffer.from(root);
    const proven = new ProvenNodes(4, rootBuffer);
    const scratch = [Buffer.from(leaves[0]!), ...tree.inclusionProof(0).map((h) => Buffer.from(h))];
    expect(proven.verify(0, scratch[0]!, scratch.slice(1)).ok).toBe(true);
    // The buffer that held leaf 1 (leaf 0's sibling) now holds a forger's leaf; the root's buffer is overwritten too.
    const forged = leafHash('forged');
    forged.copy(scratch[1]!);
    rootBuffer.fill(7);
    const attempt = { index: 1, leaf: forged, proof: [leaves[0]!, tree.inclusionProof(1)[1]!] };
    expect(proven.verify(attempt.index, attempt.leaf, attempt.proof)).toEqual(verifyInclusion(1, 4, forged, attempt.proof, root));
    expect(proven.verify(attempt.index, attempt.leaf, attempt.proof).ok).toBe(false);
    expect(proven.verify(1, leaves[1]!, tree.inclusionProof(1)).ok).toBe(true);
  });

  it('refuses a tree whose size is not a whole number, as verifyInclusion does', () => {
    const { tree, leaves, root } = treeOf(2);
    for (const size of [2.5, 1.5, 2.0000001, Number.NaN]) {
      const proof = tree.inclusionProof(0);
      expect(new ProvenNodes(size, root).verify(0, leaves[0]!, proof)).toEqual(verifyInclusion(0, size, leaves[0]!, proof, root));
      expect(new ProvenNodes(size, root).verify(0, leaves[0]!, proof).ok).toBe(false);
    }
  });
});
