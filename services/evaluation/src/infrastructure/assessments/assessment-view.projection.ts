import type { RecordedEvent } from '@vanguard/event-store';
import type { AssessmentEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projection/projections';

/**
 * Keeps assessment_view (one row per organisation and period) and tier_change_view (晋档升级)
 * in step with `assessment-<orgId>` streams. Rows are keyed by organisation and period, so a
 * redelivered event inserts nothing.
 */
export class AssessmentViewProjection implements EvaluationProjection {
  /** `table` names the live tables, or the rebuild's shadows of them (ADR 0024). */
  constructor(
    private readonly db: Queryable,
    private readonly table: (name: string) => string = (name) => name,
  ) {}

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('assessment-')) return;
    const e = event as unknown as AssessmentEvent & RecordedEvent;
    if (e.type === 'evaluation.OrganizationAssessed') {
      const d = e.data;
      await this.db.query(
        `insert into ${this.table('assessment_view')} (org_id, period, scores, total, tier, star_rating, rule_id, rule_version, previous_tier, version, assessed_at)
         values ($1, $2, $3::jsonb, $4, $5, $6, $7, $8,
                 (select tier from ${this.table('assessment_view')} where org_id = $1 and version < $9 order by version desc limit 1), $9, $10)
         on conflict (org_id, period) do nothing`,
        [
          d.orgId,
          d.period,
          JSON.stringify(d.scores),
          d.total,
          d.tier,
          d.starRating,
          d.decision.rule.id,
          d.decision.rule.version,
          event.streamVersion,
          event.recordedAt,
        ],
      );
      return;
    }
    const d = e.data;
    await this.db.query(
      `insert into ${this.table('tier_change_view')} (org_id, period, from_tier, to_tier, direction, version) values ($1, $2, $3, $4, $5, $6)
       on conflict (org_id, period) do nothing`,
      [d.orgId, d.period, d.from, d.to, d.direction, event.streamVersion],
    );
  }
}
