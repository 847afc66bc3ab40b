import type { RecordedEvent } from '@vanguard/event-store';
import type { MassEvaluationEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projection/projections';

/**
 * Keeps mass_rating_view in step with `mass-evaluation-<id>` streams: the window's subject and dates,
 * then its sealed tally and rate. A row moves only on its stream's next version, so a redelivered
 * event changes nothing. It reads the stream, never the ballot box (ADR 0027).
 */
export class MassRatingViewProjection implements EvaluationProjection {
  /** `table`: the live table, or the rebuild's shadow of it (ADR 0024). */
  constructor(
    private readonly db: Queryable,
    private readonly table = 'mass_rating_view',
  ) {}

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('mass-evaluation-')) return;
    const e = event as unknown as MassEvaluationEvent & RecordedEvent;
    const v = event.streamVersion;
    if (e.type === 'evaluation.MassEvaluationOpened') {
      const d = e.data;
      await this.db.query(
        `insert into ${this.table} (window_id, subject_kind, subject_id, org_id, opens_on, closes_on, status, version)
         values ($1, $2, $3, $4, $5, $6, 'open', $7) on conflict (window_id) do nothing`,
        [d.windowId, d.subject.kind, d.subject.id, d.orgId, d.opensOn, d.closesOn, v],
      );
      return;
    }
    const [set, params] = this.change(e);
    await this.db.query(`update ${this.table} set ${set}, version = $2 where window_id = $1 and version = $2 - 1`, [
      e.data.windowId,
      v,
      ...params,
    ]);
  }

  /** The columns an event sets; parameters start at $3. */
  private change(e: Exclude<MassEvaluationEvent, { type: 'evaluation.MassEvaluationOpened' }>): [string, unknown[]] {
    switch (e.type) {
      case 'evaluation.BallotCodesIssued':
      case 'evaluation.BallotCodesVoided':
        return [`status = status`, []];
      case 'evaluation.MassEvaluationClosed': {
        const t = e.data.tally;
        return [
          `status = 'closed', satisfied = $3, basically_satisfied = $4, dissatisfied = $5, ballots_cast = $6, satisfaction_permille = $7`,
          [t.satisfied, t.basicallySatisfied, t.dissatisfied, e.data.ballotsCast, e.data.satisfactionPermille],
        ];
      }
      case 'evaluation.MassEvaluationPublished':
        return [`status = 'published'`, []];
    }
  }
}
