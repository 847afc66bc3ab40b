import { Injectable } from '@nestjs/common';
import type { Principal } from '@vanguard/auth';
import { DomainError } from '@vanguard/kernel';
import { MEDIA_LEVELS, outletKey, type MediaLevel } from '../domain/article/article';
import { DEFAULT_LEVEL_WEIGHTS, mediaStatistics, type CountedPublication, type MediaStatistics } from '../domain/stats/media-score';
import { UnitOfWork, type Tx } from '../infrastructure/persistence/unit-of-work';
import { Access } from './access';

export interface WeightsView {
  readonly levels: Record<MediaLevel, number>;
  readonly outlets: { outlet: string; weight: number }[];
}

/** 宣传报道统计: per organisation subtree, media level and period, with the configured weights. */
@Injectable()
export class MediaStatsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly access: Access,
  ) {}

  statistics(
    p: Principal,
    q: { orgId: string; from: string; to: string; level?: MediaLevel; campaignId?: string },
  ): Promise<MediaStatistics & { orgId: string; from: string; to: string }> {
    this.access.mustActFor(p, q.orgId);
    if (q.from > q.to) throw new DomainError('STATS.PERIOD_REVERSED', 'invalid', '起始日期晚于结束日期 / from is after to');
    return this.uow.run(async (tx) => {
      // The subtree is the org-tree copy's path (`/root/…/self/`, libs/auth), so moved organisations count where they now are.
      const rows = await tx.query<CountedPublication>(
        `select p.article_id as "articleId", p.outlet, p.level
           from article_publications p join articles a on a.id = p.article_id join org_tree t on t.id = a.org_id
          where t.path like '%/' || $1 || '/%' and p.published_on between $2 and $3 and ($4::text is null or p.level = $4)
            and ($5::uuid is null or a.campaign_id = $5)
          -- Rows written before ADR 0124 may hold one outlet twice (\u200b and the like): the first published counts.
          order by p.published_on, p.article_id, p.outlet`,
        [q.orgId, q.from, q.to, q.level ?? null, q.campaignId ?? null],
      );
      // In this transaction: a second one would hold two pooled connections per request, and ten
      // requests at once would each wait for the other's connection until the pool's timeout.
      const weights = await weightsIn(tx);
      const outlets = new Map(weights.outlets.map((o) => [outletKey(o.outlet), o.weight]));
      return { orgId: q.orgId, from: q.from, to: q.to, ...mediaStatistics(rows, { levels: weights.levels, outlets }) };
    });
  }

  weights(): Promise<WeightsView> {
    return this.uow.run(weightsIn);
  }

  /** Weights are a platform-wide table (the scoring tables are the province's), so only an admin sets them. */
  async setWeight(p: Principal, target: { level?: MediaLevel; outlet?: string }, weight: number): Promise<WeightsView> {
    // The role says admin; a county's admin is one too, and these weights score every county.
    this.access.mustActForThePlatform(p);
    if (target.level !== undefined && target.outlet !== undefined)
      throw new DomainError('WEIGHT.TARGET_AMBIGUOUS', 'invalid', '媒体级别和媒体名称只能指定一个 / name a level or an outlet, not both');
    const key = target.level ? `level:${target.level}` : target.outlet ? `outlet:${outletKey(target.outlet)}` : undefined;
    if (!key || (target.level && !MEDIA_LEVELS.includes(target.level)))
      throw new DomainError('WEIGHT.TARGET_REQUIRED', 'invalid', '须指定媒体级别或媒体名称 / name a level or an outlet');
    await this.uow.run((tx) =>
      tx.query(
        `insert into media_weights (key, weight, set_by, set_at) values ($1, $2, $3, now())
         on conflict (key) do update set weight = excluded.weight, set_by = excluded.set_by, set_at = excluded.set_at`,
        [key, weight, p.sub],
      ),
    );
    return this.weights();
  }
}

async function weightsIn(tx: Tx): Promise<WeightsView> {
  const rows = await tx.query<{ key: string; weight: number }>(`select key, weight from media_weights order by set_at, key`);
  const levels = { ...DEFAULT_LEVEL_WEIGHTS };
  // Keyed again as today's outletKey: a row set before ADR 0124 (`outlet:人民日报\u200b`) is the
  // same outlet as a later `outlet:人民日报`, and the weight set last wins.
  const outlets = new Map<string, number>();
  for (const r of rows) {
    if (r.key.startsWith('level:')) levels[r.key.slice(6) as MediaLevel] = r.weight;
    else outlets.set(outletKey(r.key.slice(7)), r.weight);
  }
  return {
    levels,
    outlets: [...outlets]
      .map(([outlet, weight]) => ({ outlet, weight }))
      .sort((a, b) => (a.outlet < b.outlet ? -1 : a.outlet > b.outlet ? 1 : 0)),
  };
}
