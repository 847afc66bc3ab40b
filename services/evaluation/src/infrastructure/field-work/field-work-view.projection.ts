import type { RecordedEvent } from '@vanguard/event-store';
import type { MonthlyReviewEvent, WindowUnitEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projection/projections';

/**
 * Keeps monthly_review_result_view (one row per unit ranked by a concluded round) and window_unit_view
 * (one row per window unit, services counted so far) in step with `monthly-review-` and `window-unit-`
 * streams (ADR 0047). A conclusion inserts its rows once (keyed by round and unit); a window unit's row
 * moves only from the version before, so a redelivered event changes nothing.
 */
export class FieldWorkViewProjection implements EvaluationProjection {
  private readonly results: string;
  private readonly windows: string;

  constructor(
    private readonly db: Queryable,
    table: (name: string) => string = (name) => name,
  ) {
    this.results = `"${table('monthly_review_result_view')}"`;
    this.windows = `"${table('window_unit_view')}"`;
  }

  async apply(event: RecordedEvent): Promise<void> {
    if (event.streamId.startsWith('monthly-review-')) return this.round(event as unknown as MonthlyReviewEvent & RecordedEvent);
    if (event.streamId.startsWith('window-unit-')) return this.window(event as unknown as WindowUnitEvent & RecordedEvent);
  }

  private async round(e: MonthlyReviewEvent & RecordedEvent): Promise<void> {
    if (e.type !== 'evaluation.MonthlyReviewConcluded') return;
    const d = e.data;
    await this.db.query(
      `insert into ${this.results} (round_id, zone_id, month, org_id, score_permille, rank, units_ranked, round_version, rubric_version)
       select $1, $2, $3, r."orgId", r."scorePermille", r.rank, $5, $6, $7
         from jsonb_to_recordset($4::jsonb) as r("orgId" uuid, "scorePermille" integer, rank integer)
       on conflict (round_id, org_id) do nothing`,
      [d.roundId, d.zoneId, d.month, JSON.stringify(d.results), d.results.length, e.streamVersion, d.decision.rule.version],
    );
  }

  private async window(e: WindowUnitEvent & RecordedEvent): Promise<void> {
    if (e.type === 'evaluation.WindowUnitCommitmentsPublished') {
      const d = e.data;
      await this.db.query(
        `insert into ${this.windows} (org_id, service_name, published_on, services_counted, version) values ($1, $2, $3, 0, $4)
         on conflict (org_id) do update set service_name = excluded.service_name, published_on = excluded.published_on, version = excluded.version
           where ${this.windows}.version = excluded.version - 1`,
        [d.orgId, d.serviceName, d.publishedOn, e.streamVersion],
      );
      return;
    }
    const total = e.data.counts.reduce((s, c) => s + c.count, 0);
    await this.db.query(
      `update ${this.windows} set services_counted = services_counted + $2, version = $3 where org_id = $1 and version = $3 - 1`,
      [e.data.orgId, total, e.streamVersion],
    );
  }
}
