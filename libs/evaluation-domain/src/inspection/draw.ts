/**
 * 随机抽查 drawn so an auditor can draw it again: a pure function of the recorded seed, the recorded
 * candidates and the count. No Math.random, no clock, no locale: FNV-1a turns the seed into 32 bits,
 * mulberry32 turns those into a stream, a partial Fisher–Yates shuffle over the candidates sorted by
 * id takes the first `count`. Changing any step is a new algorithm name (the event records it).
 */
export const DRAW_ALGORITHM = 'fnv1a-mulberry32-fisher-yates.v1' as const;

export interface DrawCandidate {
  readonly orgId: string;
  readonly version: number;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Candidates in the one order the draw uses: by id, so the order the tree copy returned them in never matters. */
export const sortCandidates = (candidates: readonly DrawCandidate[]): DrawCandidate[] =>
  [...candidates].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));

/** The units drawn: `count` distinct candidates (all of them if fewer), in draw order. */
export function drawUnits(seed: string, candidates: readonly DrawCandidate[], count: number): string[] {
  const pool = sortCandidates(candidates).map((c) => c.orgId);
  const next = mulberry32(fnv1a(seed));
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

/** An auditor's replay of a recorded draw: the units it gives again, and whether they are the units recorded. */
export function replayDraw(
  recorded: { readonly seed: string; readonly candidates: readonly DrawCandidate[]; readonly count: number },
  units: readonly string[],
): { readonly units: string[]; readonly matches: boolean } {
  const again = drawUnits(recorded.seed, recorded.candidates, recorded.count);
  return { units: again, matches: again.length === units.length && again.every((u, i) => u === units[i]) };
}
