import type { Pool } from 'pg';
import { campaignStream } from '@vanguard/evaluation-domain';
import type { CycleDirectoryPort } from '../../application/ports/cycle-directory.port';

/**
 * The campaign stream that plans `$1`, from the store's own rows: the `streams` table's campaign
 * rows, then each one's events by their key (the lateral subquery's `limit` keeps it a lookup per
 * campaign, so the planner cannot turn it into a scan of every event). No `order by`: a cycle id is
 * the service's own (PlanCycle draws it), so one campaign plans it, and ordering made the planner
 * walk every stream of every kind in key order to find the first campaign — in the reviewer's
 * reproduction (300k streams, 3k campaigns) 0.7–1.9 s a miss against 60–100 ms without it.
 */
export const CAMPAIGN_OF_CYCLE_SQL = `select s.stream_id from streams s
        cross join lateral (
          select 1 from events e
           where e.stream_id = s.stream_id and e.type = 'evaluation.CyclePlanned' and (e.canonical::jsonb) #>> '{data,cycleId}' = $1
           limit 1) as plans
        where s.category = 'campaign'
        limit 1`;

/**
 * The campaign that plans a cycle, from the store's own rows: a committed `CyclePlanned` is found
 * at once, by the live service, a seed or an import alike, with no projection to wait for.
 *
 * What it costs (ADR 0138): no index finds a cycle by its id, so each lookup reads the whole
 * `streams` table (no index on `category`) and every campaign's events by key, parsing each
 * `CyclePlanned` — linear in streams and campaigns, about 60–100 ms at 300k streams and 3k
 * campaigns, and a miss reads them all while a hit stops at its campaign. The handler asks only
 * for a caller the decider would not refuse on the right first. The index that makes it a lookup
 * (on the `CyclePlanned` rows' `data.cycleId`) must be created by the store's owner, not by this
 * service's migrations, which run as the service role: see the ADR.
 */
export class SqlCycleDirectory implements CycleDirectoryPort {
  constructor(private readonly pool: Pool) {}

  async campaignOf(cycleId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ stream_id: string }>(CAMPAIGN_OF_CYCLE_SQL, [cycleId]);
    const streamId = rows[0]?.stream_id;
    return streamId ? streamId.slice(campaignStream('').length) : null;
  }
}
