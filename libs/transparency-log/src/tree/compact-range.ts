import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hashing';

/**
 * The right edge of a Merkle tree of `size` leaves: the roots of its perfect subtrees, one per
 * set bit of `size`, largest (leftmost) first. That is all it takes to append the next leaf and
 * to compute MTH at this size (RFC 9162 §2.1.1), so catching a tree up over millions of events
 * holds at most 64 hashes, and the state can be saved beside a checkpoint and resumed from.
 */
export class CompactRange {
  private constructor(
    private leaves: number,
    private readonly peaks: Buffer[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Resumes from `state()`: the peaks must be exactly one per set bit of the size. */
  static fromState(state: CompactRangeState): CompactRange {
    if (!Number.isSafeInteger(state.size) || state.size < 0) throw new RangeError(`compact range: bad size ${state.size}`);
    const expected = popcount(state.size);
    if (state.peaks.length !== expected)
      throw new RangeError(`compact range: size ${state.size} needs ${expected} peaks, got ${state.peaks.length}`);
    const peaks = state.peaks.map((p) => {
      const b = Buffer.from(p, 'base64');
      if (b.length !== HASH_SIZE) throw new RangeError('compact range: a peak is not 32 bytes');
      return b;
    });
    return new CompactRange(state.size, peaks);
  }

  get size(): number {
    return this.leaves;
  }

  /** Appends one leaf hash; merges equal-sized peaks as a binary counter carries. */
  append(leaf: Buffer): void {
    let hash = leaf;
    let n = this.leaves;
    // Each trailing 1 bit of the old size is a peak of the same height as `hash`: merge them.
    while (n % 2 === 1) {
      hash = nodeHash(this.peaks.pop()!, hash);
      n = (n - 1) / 2;
    }
    this.peaks.push(hash);
    this.leaves += 1;
  }

  /** MTH of the leaves appended so far: peaks folded right to left. */
  root(): Buffer {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let hash = this.peaks[this.peaks.length - 1]!;
    for (let i = this.peaks.length - 2; i >= 0; i--) hash = nodeHash(this.peaks[i]!, hash);
    return hash;
  }

  state(): CompactRangeState {
    return { size: this.size, peaks: this.peaks.map((p) => p.toString('base64')) };
  }
}

export interface CompactRangeState {
  readonly size: number;
  /** base64 peak hashes, largest subtree first. */
  readonly peaks: readonly string[];
}

function popcount(n: number): number {
  let count = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) count += x % 2;
  return count;
}
