import { refLeaf, refPath, refProof, refRoot } from '../../test/reference-tree';
import { CompactRange } from './compact-range';
import { EMPTY_ROOT, leafHash, nodeHash } from './hashing';
import { MerkleTree } from './merkle-tree';
import { verifyConsistency, verifyInclusion } from './proof-verify';

const hx = (s: string): Buffer => Buffer.from(s, 'hex');

// transparency-dev/merkle testonly/constants.go: LeafInputs, RootHashes, NodeHashes, CompactTrees.
const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hx);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const LEVEL0 = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
const LEVEL1 = [
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
  '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
  'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
];
const LEVEL2 = [
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
];
// CompactTrees(): the peaks after each size, as (level, index) into the levels above.
const PEAKS: [number, number][][] = [
  [],
  [[0, 0]],
  [[1, 0]],
  [
    [1, 0],
    [0, 2],
  ],
  [[2, 0]],
  [
    [2, 0],
    [0, 4],
  ],
  [
    [2, 0],
    [1, 2],
  ],
  [
    [2, 0],
    [1, 2],
    [0, 6],
  ],
  [[3, 0]],
];
const LEVELS = [LEVEL0, LEVEL1, LEVEL2, [ROOTS[8]!]];

const treeOf = (n: number): { tree: MerkleTree; leaves: Buffer[] } => {
  const tree = new MerkleTree();
  const leaves: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const leaf = leafHash(Buffer.from(`event ${i} 事件`, 'utf8'));
    leaves.push(leaf);
    tree.append(leaf);
  }
  return { tree, leaves };
};
const ceilLog2 = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));
const hexes = (bs: readonly Buffer[]): string[] => bs.map((b) => b.toString('hex'));

describe(MerkleTree.name, () => {
  it('hashes_MatchRfc6962HasherVectors', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(leafHash('L123456').toString('hex')).toBe('395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56');
    expect(nodeHash(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });

  it('root_AfterEachLeafOfTheReferenceInputs_IsTheReferenceRoot', () => {
    const sut = new MerkleTree();
    expect(sut.root().toString('hex')).toBe(ROOTS[0]);
    LEAF_INPUTS.forEach((input, i) => {
      sut.append(leafHash(input));
      expect(sut.root().toString('hex')).toBe(ROOTS[i + 1]);
    });
    // and every earlier size, answered from the stored subtrees
    ROOTS.forEach((root, size) => expect(sut.root(size).toString('hex')).toBe(root));
    LEVEL0.forEach((h, i) => expect(sut.leaf(i).toString('hex')).toBe(h));
  });

  it('compactRange_AfterEachLeaf_HoldsExactlyTheReferencePeaks', () => {
    const sut = CompactRange.empty();
    for (let size = 0; size <= 8; size++) {
      if (size > 0) sut.append(leafHash(LEAF_INPUTS[size - 1]!));
      expect(sut.state().peaks.map((p) => Buffer.from(p, 'base64').toString('hex'))).toEqual(PEAKS[size]!.map(([l, i]) => LEVELS[l]![i]));
      expect(sut.root().toString('hex')).toBe(ROOTS[size]);
      const resumed = CompactRange.fromState(sut.state());
      resumed.append(leafHash('next'));
      const straight = CompactRange.fromState(sut.state());
      straight.append(leafHash('next'));
      expect(resumed.root()).toEqual(straight.root());
    }
  });

  it('compactRange_FromStateWithTheWrongNumberOfPeaks_Refuses', () => {
    expect(() => CompactRange.fromState({ size: 3, peaks: [EMPTY_ROOT.toString('base64')] })).toThrow(/needs 2 peaks/);
    expect(() => CompactRange.fromState({ size: 1, peaks: ['AAAA'] })).toThrow(/32 bytes/);
  });

  it('rootAndProofs_ForEverySizeUpTo70_EqualTheRfcRecursionAndVerify', () => {
    const { tree: sut, leaves } = treeOf(70);
    for (let n = 1; n <= 70; n++) {
      const root = refRoot(leaves.slice(0, n));
      expect(sut.root(n)).toEqual(root);
      for (let m = 0; m < n; m++) {
        const path = sut.inclusionProof(m, n);
        expect(hexes(path)).toEqual(hexes(refPath(m, leaves.slice(0, n))));
        expect(path.length).toBeLessThanOrEqual(ceilLog2(n));
        expect(verifyInclusion(m, n, leaves[m]!, path, root)).toEqual({ ok: true });
      }
      for (let m = 1; m <= n; m++) {
        const proof = sut.consistencyProof(m, n);
        expect(hexes(proof)).toEqual(hexes(refProof(m, leaves.slice(0, n))));
        expect(proof.length).toBeLessThanOrEqual(ceilLog2(n) + 1);
        expect(verifyConsistency(m, n, proof, sut.root(m), root)).toEqual({ ok: true });
      }
    }
  });

  it('reference_IsItselfTheRfc6962Tree', () => {
    expect(refRoot(LEAF_INPUTS.map(refLeaf)).toString('hex')).toBe(ROOTS[8]);
  });

  it('proofs_ForSizesOrIndicesTheTreeDoesNotHave_Refuse', () => {
    const { tree: sut } = treeOf(5);
    expect(() => sut.root(6)).toThrow(RangeError);
    expect(() => sut.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => sut.consistencyProof(0, 5)).toThrow(RangeError);
    expect(() => sut.consistencyProof(4, 6)).toThrow(RangeError);
    expect(() => sut.append(Buffer.alloc(31))).toThrow(RangeError);
  });
});
