import type { Pool } from 'pg';
import { campaignStream } from '@vanguard/evaluation-domain';
import type { CycleDirectoryPort } from '../../application/ports/cycle-directory.port';

/**
 * The campaign stream that plans `$1`: the `CyclePlanned` row carrying that cycle id, found by
 * `events_cycle_planned_idx` (store-indexes.ts) — a lookup, a hit or a miss alike.
 */
export const CAMPAIGN_OF_CYCLE_SQL = `select stream_id from events
  where type = 'evaluation.CyclePlanned' and (canonical::jsonb) #>> '{data,cycleId}' = $1
  limit 1`;

/**
 * The campaign that plans a cycle, from the store's own rows: a committed `CyclePlanned` is found
 * at once, by the live service, a seed or an import alike, with no projection to wait for (ADR 0138).
 */
export class SqlCycleDirectory implements CycleDirectoryPort {
  constructor(private readonly pool: Pool) {}

  async campaignOf(cycleId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ stream_id: string }>(CAMPAIGN_OF_CYCLE_SQL, [cycleId]);
    const streamId = rows[0]?.stream_id;
    return streamId ? streamId.slice(campaignStream('').length) : null;
  }
}
