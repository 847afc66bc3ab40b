import { MEDIA_LEVELS, outletKey, type MediaLevel } from '../article/article';

/**
 * 宣传报道计分, replacing the paper scoring tables: each (article, outlet) counts once, weighted
 * by the outlet's own weight if one is configured, else by its level's. Defaults follow the usual
 * tables (central media weigh most).
 */
export const DEFAULT_LEVEL_WEIGHTS: Readonly<Record<MediaLevel, number>> = { central: 10, provincial: 5, municipal: 2, county: 1 };

export interface CountedPublication {
  readonly articleId: string;
  readonly outlet: string;
  readonly level: MediaLevel;
}

export interface Weights {
  readonly levels: Partial<Record<MediaLevel, number>>;
  /** By outletKey. */
  readonly outlets: ReadonlyMap<string, number>;
}

export interface MediaStatistics {
  readonly byLevel: Record<MediaLevel, { readonly articles: number; readonly publications: number; readonly score: number }>;
  readonly publications: number;
  readonly score: number;
}

export function mediaStatistics(rows: readonly CountedPublication[], weights: Weights): MediaStatistics {
  const byLevel = Object.fromEntries(MEDIA_LEVELS.map((l) => [l, { articles: 0, publications: 0, score: 0 }])) as Record<
    MediaLevel,
    { articles: number; publications: number; score: number }
  >;
  const seen = new Set<string>();
  const articlesAt = new Map<MediaLevel, Set<string>>();
  let score = 0;
  let publications = 0;
  for (const r of rows) {
    const key = `${r.articleId}\u0000${outletKey(r.outlet)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const w = weights.outlets.get(outletKey(r.outlet)) ?? weights.levels[r.level] ?? DEFAULT_LEVEL_WEIGHTS[r.level];
    byLevel[r.level].publications += 1;
    byLevel[r.level].score += w;
    const set = articlesAt.get(r.level) ?? new Set<string>();
    set.add(r.articleId);
    articlesAt.set(r.level, set);
    score += w;
    publications += 1;
  }
  for (const [level, set] of articlesAt) byLevel[level].articles = set.size;
  return { byLevel, publications, score };
}
