import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { IdNumberReviewItems, IdNumberReviews } from '../../application/ports/id-number-reviews.port';

/**
 * What the organisation department above an importing user sees (ADR 0011): users flagged
 * for exhausting their ID-number budget, and rows their real imports held because the ID
 * number belongs to an active member elsewhere. Only items addressed to the caller's
 * organisation or one below it; the latest 200 of each.
 */
@Injectable()
export class PgIdNumberReviews implements IdNumberReviews {
  constructor(private readonly ds: DataSource) {}

  private get pool(): Pool {
    return (this.ds.driver as unknown as { master: Pool }).master;
  }

  async for(orgId: string): Promise<IdNumberReviewItems> {
    const scope = `join organizations o on o.id = x.review_org_id
                   where o.path like (select path from organizations where id = $1) || '%'`;
    const flags = await this.pool.query<{
      actor_sub: string;
      actor_org_id: string | null;
      review_org_id: string | null;
      jobs: number;
      id_numbers: number;
      held: number;
      flagged_at: Date;
    }>(`select x.* from id_number_probe_flags x ${scope} order by x.flagged_at desc limit 200`, [orgId]);
    const holds = await this.pool.query<{
      job_id: string;
      row_number: number;
      org_id: string;
      existing_member_id: string;
      review_org_id: string;
      actor_sub: string;
      held_at: Date;
    }>(`select x.* from id_number_review_holds x ${scope} order by x.held_at desc limit 200`, [orgId]);
    return {
      flags: flags.rows.map((r) => ({
        actorSub: r.actor_sub,
        actorOrgId: r.actor_org_id,
        reviewOrgId: r.review_org_id,
        jobs: r.jobs,
        idNumbers: r.id_numbers,
        held: r.held,
        flaggedAt: r.flagged_at.toISOString(),
      })),
      holds: holds.rows.map((r) => ({
        jobId: r.job_id,
        row: r.row_number,
        orgId: r.org_id,
        existingMemberId: r.existing_member_id,
        reviewOrgId: r.review_org_id,
        actorSub: r.actor_sub,
        heldAt: r.held_at.toISOString(),
      })),
    };
  }
}
