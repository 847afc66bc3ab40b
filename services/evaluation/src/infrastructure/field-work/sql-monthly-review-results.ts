import type { Pool } from 'pg';
import type { MonthlyReviewRoundsPort } from '../../application/ports/monthly-review-rounds.port';

/** One concluded round's result for a unit, with where it was read from: what an assessment weighs (ADR 0047). */
export interface MonthlyReviewResult {
  readonly roundId: string;
  readonly zoneId: string;
  readonly month: string;
  readonly scorePermille: number;
  readonly rank: number;
  readonly unitsRanked: number;
  readonly rubricVersion: number;
  /** The round stream and the version of its conclusion: the provenance an assessor cites. */
  readonly streamId: string;
  readonly version: number;
}

export class SqlMonthlyReviewResults implements MonthlyReviewRoundsPort {
  constructor(private readonly pool: Pool) {}

  async rankingRoundsOf(orgId: string, year: string): Promise<string[]> {
    return (await this.ofUnit(orgId, year)).map((r) => r.roundId);
  }

  /** A unit's results in the months of one year, oldest first. */
  async ofUnit(orgId: string, year: string): Promise<MonthlyReviewResult[]> {
    const { rows } = await this.pool.query<{
      round_id: string;
      zone_id: string;
      month: string;
      score_permille: number;
      rank: number;
      units_ranked: number;
      rubric_version: number;
      round_version: number;
    }>(
      `select round_id, zone_id, month, score_permille, rank, units_ranked, rubric_version, round_version
         from monthly_review_result_view where org_id = $1 and month like $2 || '-%' order by month, round_id`,
      [orgId, year],
    );
    return rows.map((r) => ({
      roundId: r.round_id,
      zoneId: r.zone_id,
      month: r.month,
      scorePermille: r.score_permille,
      rank: r.rank,
      unitsRanked: r.units_ranked,
      rubricVersion: r.rubric_version,
      streamId: `monthly-review-${r.round_id}`,
      version: r.round_version,
    }));
  }
}
