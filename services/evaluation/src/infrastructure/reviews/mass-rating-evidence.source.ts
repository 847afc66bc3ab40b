import type { Pool } from 'pg';
import type { EvidenceItem, EvidenceSource } from '../../application/ports/evidence-source.port';

interface Row {
  window_id: string;
  closes_on: string;
  status: 'closed' | 'published';
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
  ballots_cast: number;
  satisfaction_permille: number | null;
  version: number;
}

/**
 * 群众评议: the member's mass-evaluation windows that closed in the year, with the sealed tally and
 * satisfaction rate, from mass_rating_view (fed by the windows' streams, never the ballot box), at
 * the stream version the row reflects.
 */
export class MassRatingEvidenceSource implements EvidenceSource {
  readonly name = 'mass_rating';
  constructor(private readonly pool: Pool) {}

  async collect(q: { memberId: string; year: number }): Promise<EvidenceItem[]> {
    const { rows } = await this.pool.query<Row>(
      `select window_id, to_char(closes_on, 'YYYY-MM-DD') as closes_on, status, satisfied, basically_satisfied, dissatisfied,
              ballots_cast, satisfaction_permille, version
         from mass_rating_view
        where subject_kind = 'member' and subject_id = $1 and status in ('closed', 'published')
          and closes_on >= make_date($2, 1, 1) and closes_on < make_date($2 + 1, 1, 1)
        order by closes_on, window_id`,
      [q.memberId, q.year],
    );
    return rows.map((r) => ({
      source: this.name,
      kind: `mass_rating.${r.status}`,
      streamId: `mass-evaluation-${r.window_id}`,
      version: r.version,
      on: r.closes_on,
      summary:
        r.satisfaction_permille === null
          ? `群众评议 ${r.ballots_cast} 票，无满意度 / no ballots`
          : `群众评议 ${r.ballots_cast} 票，满意度 ${(r.satisfaction_permille / 10).toFixed(1)}%`,
      facts: {
        status: r.status,
        satisfied: r.satisfied,
        basicallySatisfied: r.basically_satisfied,
        dissatisfied: r.dissatisfied,
        ballotsCast: r.ballots_cast,
        satisfactionPermille: r.satisfaction_permille,
      },
    }));
  }
}
