import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { leafHash } from './hashing';
import { MerkleTree } from './merkle-tree';
import { verifyConsistency, verifyInclusion } from './proof-verify';

/**
 * transparency-dev/merkle's proof probes (testdata/inclusion, testdata/consistency: happy paths
 * plus wrong index, size ×2 and ÷2, wrong leaf or root, flipped bits, inserted, removed,
 * preceding and trailing elements), then the same mutations applied to this tree's own proofs
 * for every index and size pair up to 24 leaves.
 */
interface Probes<T> {
  readonly probes: Record<string, T & { desc: string; wantErr: boolean }>;
}
type InclusionProbe = { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null };
type ConsistencyProbe = { size1: number; size2: number; root1: string; root2: string; proof: string[] | null };

const vectors = <T>(kind: string): Probes<T> =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'test', 'vectors', `transparency-dev-${kind}-probes.json`), 'utf8')) as Probes<T>;
const b64 = (s: string | null | undefined): Buffer => Buffer.from(s ?? '', 'base64');

describe('transparency-dev/merkle probes', () => {
  const inclusion = Object.entries(vectors<InclusionProbe>('inclusion').probes);
  const consistency = Object.entries(vectors<ConsistencyProbe>('consistency').probes);

  it('vectors_AreAllThere', () => {
    expect(inclusion).toHaveLength(98);
    expect(consistency).toHaveLength(98);
    expect(inclusion.filter(([, p]) => !p.wantErr).length).toBeGreaterThan(5);
  });

  it.each(inclusion)('verifyInclusion %s', (_file, p) => {
    const r = verifyInclusion(p.leafIdx, p.treeSize, b64(p.leafHash), (p.proof ?? []).map(b64), b64(p.root));
    expect({ desc: p.desc, ok: r.ok }).toEqual({ desc: p.desc, ok: !p.wantErr });
  });

  it.each(consistency)('verifyConsistency %s', (_file, p) => {
    const r = verifyConsistency(p.size1, p.size2, (p.proof ?? []).map(b64), b64(p.root1), b64(p.root2));
    expect({ desc: p.desc, ok: r.ok }).toEqual({ desc: p.desc, ok: !p.wantErr });
  });
});

const flip = (b: Buffer, bit: number): Buffer => {
  const c = Buffer.from(b);
  c[bit >> 3]! ^= 1 << (bit & 7);
  return c;
};
const GARBAGE = leafHash('garbage');

/** Every way the probes mangle a proof, applied to one proof. */
function* mutations(proof: Buffer[]): Generator<[string, Buffer[]]> {
  for (let i = 0; i < proof.length; i++) {
    yield [`flip bit 3 of element ${i}`, proof.map((p, j) => (j === i ? flip(p, 3) : p))];
    yield [`remove element ${i}`, proof.filter((_, j) => j !== i)];
  }
  for (let i = 0; i <= proof.length; i++) yield [`insert at ${i}`, [...proof.slice(0, i), GARBAGE, ...proof.slice(i)]];
  if (proof.length > 0) yield ['truncate', proof.slice(0, -1)];
}

describe('own proofs, mangled', () => {
  const N = 24;
  const tree = new MerkleTree();
  const leaves: Buffer[] = [];
  for (let i = 0; i < N; i++) tree.append(leaves[leaves.push(leafHash(`leaf ${i}`)) - 1]!);

  it('inclusion_AnyWrongIndexSizeLeafRootOrPath_IsRefused', () => {
    let refused = 0;
    for (let n = 1; n <= N; n++) {
      const root = tree.root(n);
      for (let m = 0; m < n; m++) {
        const path = tree.inclusionProof(m, n);
        const wrong: [string, boolean][] = [
          ['index+1', verifyInclusion(m + 1, n, leaves[m]!, path, root).ok],
          ['index-1', m > 0 && verifyInclusion(m - 1, n, leaves[m]!, path, root).ok],
          ['index^2', verifyInclusion(m ^ 2, n, leaves[m]!, path, root).ok],
          ['size*2', verifyInclusion(m, n * 2, leaves[m]!, path, root).ok],
          ['size/2', verifyInclusion(m, Math.floor(n / 2), leaves[m]!, path, root).ok],
          ['wrong leaf', verifyInclusion(m, n, GARBAGE, path, root).ok],
          ['flipped leaf', verifyInclusion(m, n, flip(leaves[m]!, 0), path, root).ok],
          ['wrong root', verifyInclusion(m, n, leaves[m]!, path, flip(root, 255)).ok],
          ['earlier root', n > 1 && verifyInclusion(m, n, leaves[m]!, path, tree.root(n - 1)).ok],
          ...[...mutations(path)].map(([what, p]): [string, boolean] => [what, verifyInclusion(m, n, leaves[m]!, p, root).ok]),
        ];
        for (const [what, ok] of wrong) {
          expect({ m, n, what, ok }).toEqual({ m, n, what, ok: false });
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(3000);
  });

  it('consistency_AnyWrongSizeRootOrPath_IsRefused', () => {
    for (let n = 2; n <= N; n++) {
      for (let m = 1; m < n; m++) {
        const proof = tree.consistencyProof(m, n);
        const [r1, r2] = [tree.root(m), tree.root(n)];
        const wrong: [string, boolean][] = [
          ['size1+1', m + 1 < n && verifyConsistency(m + 1, n, proof, r1, r2).ok],
          ['size1-1', m > 1 && verifyConsistency(m - 1, n, proof, r1, r2).ok],
          ['size2*2', verifyConsistency(m, n * 2, proof, r1, r2).ok],
          ['size2/2', Math.floor(n / 2) >= m && verifyConsistency(m, Math.floor(n / 2), proof, r1, r2).ok],
          ['wrong root1', verifyConsistency(m, n, proof, flip(r1, 7), r2).ok],
          ['wrong root2', verifyConsistency(m, n, proof, r1, flip(r2, 7)).ok],
          ['swapped roots', verifyConsistency(m, n, proof, r2, r1).ok],
          ...[...mutations(proof)].map(([what, p]): [string, boolean] => [what, verifyConsistency(m, n, p, r1, r2).ok]),
        ];
        for (const [what, ok] of wrong) expect({ m, n, what, ok }).toEqual({ m, n, what, ok: false });
      }
    }
  });
});
