import type { Pool } from 'pg';
import type { EvidenceItem, EvidenceSource } from '../../application/ports/evidence-source.port';

interface Row {
  stream_id: string;
  on: string;
  status: 'closed' | 'published' | 'county_tally';
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
  ballots_cast: number;
  satisfaction_permille: number | null;
  version: number;
}

/**
 * 群众评议: the member's mass evaluations of the year, from the read models the store feeds (never
 * the ballot box), each at the stream version its row reflects: the online windows that closed in
 * the year (mass_rating_view) and the counts a county system made on paper for the year or one of
 * its quarters (mass_tally_view, the count in force; ballots cast = votes counted) — one query, so
 * both count as mass ratings alike.
 */
export class MassRatingEvidenceSource implements EvidenceSource {
  readonly name = 'mass_rating';
  constructor(private readonly pool: Pool) {}

  async collect(q: { memberId: string; year: number }): Promise<EvidenceItem[]> {
    const { rows } = await this.pool.query<Row>(
      `select 'mass-evaluation-' || window_id as stream_id, to_char(closes_on, 'YYYY-MM-DD') as on, status,
              satisfied, basically_satisfied, dissatisfied, ballots_cast, satisfaction_permille, version
         from mass_rating_view
        where subject_kind = 'member' and subject_id = $1 and status in ('closed', 'published')
          and closes_on >= make_date($2, 1, 1) and closes_on < make_date($2 + 1, 1, 1)
       union all
       select stream_id, to_char(held_on, 'YYYY-MM-DD'), 'county_tally',
              satisfied, basically_satisfied, dissatisfied, satisfied + basically_satisfied + dissatisfied, satisfaction_permille, version
         from mass_tally_view
        where subject_kind = 'member' and subject_id = $1 and left(period, 4) = $2::text
        order by 2, 1`,
      [q.memberId, q.year],
    );
    return rows.map((r) => ({
      source: this.name,
      kind: `mass_rating.${r.status}`,
      streamId: r.stream_id,
      version: r.version,
      on: r.on,
      summary: `${r.status === 'county_tally' ? '县级系统群众评议计票' : '群众评议'} ${r.ballots_cast} 票，${
        r.satisfaction_permille === null ? '无满意度 / no ballots' : `满意度 ${(r.satisfaction_permille / 10).toFixed(1)}%`
      }`,
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
