import type { RecordedEvent } from '@vanguard/event-store';
import type { ReviewEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projection/projections';

/**
 * Keeps review_view in step with `review-<memberId>-<year>` streams. A row moves only on its
 * stream's next version, so a redelivered event matches no row and changes nothing.
 */
export class ReviewViewProjection implements EvaluationProjection {
  /** `table`: the live table, or the rebuild's shadow of it (ADR 0024). */
  constructor(
    private readonly db: Queryable,
    private readonly table = 'review_view',
  ) {}

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('review-')) return;
    const e = event as unknown as ReviewEvent & RecordedEvent;
    const v = event.streamVersion;
    if (e.type === 'evaluation.SelfAssessmentSubmitted') {
      await this.db.query(
        `insert into ${this.table} (member_id, year, org_id, status, submitted_on, version, updated_at)
         values ($1, $2, $3, 'self_assessed', $4, $5, $6) on conflict (member_id, year) do nothing`,
        [e.data.memberId, e.data.year, e.data.orgId, e.data.submittedOn, v, event.recordedAt],
      );
      return;
    }
    const [set, params] = this.change(e);
    await this.db.query(
      `update ${this.table} set ${set}, version = $3, updated_at = $4 where member_id = $1 and year = $2 and version = $3 - 1`,
      [e.data.memberId, e.data.year, v, event.recordedAt, ...params],
    );
  }

  /** The columns an event sets; parameters start at $5. */
  private change(e: ReviewEvent): [string, unknown[]] {
    switch (e.type) {
      case 'evaluation.PeerBallotsTallied':
        return [
          `status = 'tallied', tally = $5::jsonb, criteria = $6::jsonb`,
          [JSON.stringify(e.data.tally), e.data.criteria ? JSON.stringify(e.data.criteria) : null],
        ];
      case 'evaluation.ReviewConcluded':
        return [`status = 'concluded', grade = $5`, [e.data.grade]];
      case 'evaluation.ReviewApproved':
        return [`status = 'approved', grade = $5, approved = true`, [e.data.grade]];
      case 'evaluation.ReviewReturned':
        return [`status = 'tallied', grade = null, returned_count = returned_count + 1`, []];
      case 'evaluation.SelfAssessmentSubmitted':
        return [`status = status`, []];
    }
  }
}
