import type { Pool } from 'pg';
import type { RecordedEvent } from '@vanguard/event-store';
import type { PledgeEvent } from '@vanguard/evaluation-domain';

/**
 * Keeps pledge_view in step with pledge streams. A row moves only on the next version of
 * its stream (`version = streamVersion - 1`): the subscription delivers at least once and in
 * order, so a redelivered event matches no row and changes nothing.
 */
export class PledgeViewProjection {
  constructor(private readonly pool: Pool) {}

  async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith('pledge-')) return;
    const e = event as unknown as PledgeEvent & RecordedEvent;
    const v = event.streamVersion;
    const at = event.recordedAt;
    if (e.type === 'evaluation.PledgeMade') {
      const d = e.data;
      await this.pool.query(
        `insert into pledge_view (pledge_id, campaign_id, cycle_id, org_id, pledger_kind, pledger_id, category, content, due_on,
                                  follows_pledge_id, status, version, made_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'awaiting_filing', $11, $12, $12)
         on conflict (pledge_id) do nothing`,
        [
          d.pledgeId,
          d.campaignId,
          d.cycleId,
          d.orgId,
          d.pledger.kind,
          d.pledger.id,
          d.category,
          d.content,
          d.dueOn,
          d.followsPledgeId,
          v,
          at,
        ],
      );
      return;
    }
    const [set, params] = this.change(e);
    await this.pool.query(`update pledge_view set ${set}, version = $2, updated_at = $3 where pledge_id = $1 and version = $2 - 1`, [
      e.data.pledgeId,
      v,
      at,
      ...params,
    ]);
  }

  /** The columns an event sets; parameters start at $4. */
  private change(e: PledgeEvent): [string, unknown[]] {
    switch (e.type) {
      case 'evaluation.PledgeAmended':
        return [`status = 'awaiting_filing', category = $4, content = $5, due_on = $6`, [e.data.category, e.data.content, e.data.dueOn]];
      case 'evaluation.PledgeReturned':
        return [`status = 'returned', returned_count = returned_count + 1`, []];
      case 'evaluation.PledgeFiled':
        return [`status = 'filed', filed_by_org_id = $4`, [e.data.decision.decidedBy.orgId]];
      case 'evaluation.PledgePublished':
        return [`status = 'published'`, []];
      case 'evaluation.PledgeProgressReported':
        return [`percent = $4`, [e.data.percent]];
      case 'evaluation.PledgeFulfilled':
        return [`status = 'fulfilled', percent = 100`, []];
      case 'evaluation.PledgeLapsed':
        return [`status = 'lapsed'`, []];
      case 'evaluation.PledgeRated':
        return [`satisfaction_permille = $4`, [e.data.satisfactionPermille]];
      case 'evaluation.PledgeMade':
        return [`status = status`, []];
    }
  }
}
