import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@vanguard/event-store';
import type { CommentEvent } from '@vanguard/evaluation-domain';

/**
 * Keeps comment_view and rectification_view in step with `comment-` streams. The comment row
 * carries its stream's version and moves only on the next one, in the same transaction as the
 * finding it changes, so the subscription's at-least-once redelivery changes nothing.
 */
export class CommentProjection {
  constructor(private readonly pool: Pool) {}

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('comment-')) return;
    const e = event as unknown as CommentEvent & RecordedEvent;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await this.change(client, e);
      await client.query('commit');
    } catch (err) {
      await client.query('rollback');
      throw err;
    } finally {
      client.release();
    }
  }

  private async change(db: PoolClient, e: CommentEvent & RecordedEvent): Promise<void> {
    if (e.type === 'evaluation.LeaderCommentMade') {
      const d = e.data;
      const made = await db.query(
        `insert into comment_view (comment_id, org_id, cycle_id, form, made_on, summary, decided_by, version, made_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) on conflict (comment_id) do nothing`,
        [d.commentId, d.orgId, d.cycleId, d.form, d.madeOn, d.summary, JSON.stringify(d.decision), e.streamVersion, e.recordedAt],
      );
      if (made.rowCount !== 1) return;
      for (const f of d.findings)
        await db.query(
          `insert into rectification_view (finding_id, comment_id, org_id, problem, rectification, deadline) values ($1, $2, $3, $4, $5, $6)`,
          [f.findingId, d.commentId, d.orgId, f.problem, f.rectification, f.deadline],
        );
      return;
    }
    const moved = await db.query(`update comment_view set version = $2, updated_at = $3 where comment_id = $1 and version = $2 - 1`, [
      e.data.commentId,
      e.streamVersion,
      e.recordedAt,
    ]);
    if (moved.rowCount !== 1) return;
    if (e.type === 'evaluation.RectificationCompleted')
      await db.query(`update rectification_view set completed_on = $2, on_time = $3 where finding_id = $1`, [
        e.data.findingId,
        e.data.completedOn,
        e.data.onTime,
      ]);
    else await db.query(`update rectification_view set marked_overdue_on = $2 where finding_id = $1`, [e.data.findingId, e.data.markedOn]);
  }
}
