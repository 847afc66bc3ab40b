import { developmentLogSigner, leafHash, MerkleTree, signCheckpoint } from '@vanguard/transparency-log';

export const ORIGIN = 'vanguard.example/evaluation';
export const logKey = developmentLogSigner(ORIGIN);

/** A log of 8 entries whose first 4 are common to every `tag`: two tags are two forks of one log of 4. */
export function forkedLog(tag: string): { checkpoint: (size: number) => string; proof: (from: number, to: number) => Buffer[] } {
  const tree = new MerkleTree();
  for (let i = 0; i < 8; i++) tree.append(leafHash(i < 4 ? `common ${i}` : `${tag} ${i}`));
  return {
    checkpoint: (size) => signCheckpoint({ origin: ORIGIN, size, root: tree.root(size) }, logKey),
    proof: (from, to) => tree.consistencyProof(from, to),
  };
}
