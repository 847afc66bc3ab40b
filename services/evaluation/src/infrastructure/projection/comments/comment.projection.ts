import type { RecordedEvent } from '@vanguard/event-store';
import type { CommentEvent } from '@vanguard/evaluation-domain';
import type { EvaluationProjection, Queryable } from '../projections';

/**
 * Keeps comment_view and rectification_view in step with `comment-` streams. The comment row
 * carries its stream's version and moves only on the next one; the finding changes in the same
 * statement, only if the comment row moved, so a redelivered event changes nothing and no crash
 * can leave the version moved without its finding.
 */
export class CommentProjection implements EvaluationProjection {
  private readonly comments: string;
  private readonly findings: string;

  constructor(
    private readonly db: Queryable,
    table: (name: string) => string = (name) => name,
  ) {
    this.comments = `"${table('comment_view')}"`;
    this.findings = `"${table('rectification_view')}"`;
  }

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('comment-')) return;
    const e = event as unknown as CommentEvent & RecordedEvent;
    if (
      e.type === 'evaluation.LeaderCommentMade' ||
      e.type === 'evaluation.MassEvaluationFindingsRecorded' ||
      e.type === 'evaluation.InspectionFindingsRecorded' ||
      e.type === 'evaluation.MonthlyReviewFindingsRecorded'
    ) {
      const d = e.data;
      // A mass evaluation's problems (ADR 0031) or an inspection's findings at a unit (ADR 0038) open
      // a findings stream like a comment does: form `mass_evaluation` or `inspection`, and where it came from.
      // A monthly review round's findings (ADR 0047) likewise: form `monthly_review`, with the round.
      const [cycleId, form, madeOn, windowId, memberId, inspectionId, roundId] =
        e.type === 'evaluation.LeaderCommentMade'
          ? [e.data.cycleId, e.data.form, e.data.madeOn, null, null, null, null]
          : e.type === 'evaluation.MassEvaluationFindingsRecorded'
            ? [null, 'mass_evaluation', e.data.recordedOn, e.data.windowId, e.data.memberId, null, null]
            : e.type === 'evaluation.InspectionFindingsRecorded'
              ? [null, 'inspection', e.data.recordedOn, null, null, e.data.inspectionId, null]
              : [null, 'monthly_review', e.data.recordedOn, null, null, null, e.data.roundId];
      await this.db.query(
        `with made as (
           insert into ${this.comments} (comment_id, org_id, cycle_id, form, made_on, summary, decided_by, version, made_at, updated_at,
                                         window_id, member_id, inspection_id, round_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $11, $12, $13, $14) on conflict (comment_id) do nothing returning comment_id)
         insert into ${this.findings} (finding_id, comment_id, org_id, problem, rectification, deadline)
         select f."findingId", $1, $2, f.problem, f.rectification, f.deadline::date
           from made, jsonb_to_recordset($10::jsonb) as f("findingId" uuid, problem text, rectification text, deadline text)`,
        [
          d.commentId,
          d.orgId,
          cycleId,
          form,
          madeOn,
          d.summary,
          JSON.stringify(d.decision),
          e.streamVersion,
          e.recordedAt,
          JSON.stringify(d.findings),
          windowId,
          memberId,
          inspectionId,
          roundId,
        ],
      );
      return;
    }
    const [set, params] =
      e.type === 'evaluation.RectificationCompleted'
        ? [`completed_on = $5, on_time = $6`, [e.data.completedOn, e.data.onTime]]
        : [`marked_overdue_on = $5`, [e.data.markedOn]];
    await this.db.query(
      `with moved as (
         update ${this.comments} set version = $2, updated_at = $3 where comment_id = $1 and version = $2 - 1 returning comment_id)
       update ${this.findings} set ${set} where finding_id = $4 and exists (select 1 from moved)`,
      [e.data.commentId, e.streamVersion, e.recordedAt, e.data.findingId, ...params],
    );
  }
}
