import type { Pool } from 'pg';
import type { CycleDirectoryPort } from '../../application/ports/cycle-directory.port';

/**
 * The campaign that plans a cycle, from the store's own rows: a committed `CyclePlanned` is found
 * at once, by the live service, a seed or an import alike, with no projection to wait for. Only
 * campaign streams are looked at: the `streams` table's rows of that category, then each one's
 * events by their key (the lateral subquery's `limit` keeps it a lookup per campaign, so the
 * planner cannot turn it into a scan of every event).
 */
export class SqlCycleDirectory implements CycleDirectoryPort {
  constructor(private readonly pool: Pool) {}

  async campaignOf(cycleId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ stream_id: string }>(
      `select s.stream_id from streams s
        cross join lateral (
          select 1 from events e
           where e.stream_id = s.stream_id and e.type = 'evaluation.CyclePlanned' and (e.canonical::jsonb) #>> '{data,cycleId}' = $1
           limit 1) as plans
        where s.category = 'campaign'
        order by s.stream_id limit 1`,
      [cycleId],
    );
    const streamId = rows[0]?.stream_id;
    return streamId ? streamId.slice('campaign-'.length) : null;
  }
}
