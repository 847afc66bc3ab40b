import type { Pool } from 'pg';
import type { ObjectionStatus, PublicNotice, PublicNoticeReadModel } from '../../application/public-notice/public-notice-read-model.port';

/** The notice and objection views; one statement per read. */
export class SqlPublicNoticeReadModel implements PublicNoticeReadModel {
  constructor(private readonly pool: Pool) {}

  async notice(programmeId: string): Promise<PublicNotice | null> {
    const { rows } = await this.pool.query<{ notice: PublicNotice | null }>(
      `select json_build_object(
           'programmeId', v.programme_id, 'programmeName', v.programme_name, 'round', v.round,
           'startsOn', to_char(v.starts_on, 'YYYY-MM-DD'), 'endsOn', to_char(v.ends_on, 'YYYY-MM-DD'),
           'days', v.days, 'dayKind', v.day_kind,
           'entries', coalesce((
             select json_agg(json_build_object('nominationId', e.nomination_id, 'category', e.category, 'name', e.name,
                                               'orgName', e.org_name, 'deedsSummary', e.deeds_summary)
                             order by e.category, e.org_name, e.name)
               from public_notice_entry e
              where e.programme_id = v.programme_id and e.round = v.round and not e.withdrawn), '[]'::json)) as notice
         from public_notice_view v where v.programme_id = $1 and v.round is not null`,
      [programmeId],
    );
    return rows[0]?.notice ?? null;
  }

  async objection(trackingCode: string): Promise<ObjectionStatus | null> {
    const { rows } = await this.pool.query<{ status: ObjectionStatus['status']; filed_on: string; decided_at: Date | null }>(
      `select status, to_char(filed_on, 'YYYY-MM-DD') as filed_on, decided_at from objection_view where tracking_code = $1`,
      [trackingCode],
    );
    const r = rows[0];
    return r ? { trackingCode, status: r.status, filedOn: r.filed_on, decidedAt: r.decided_at?.toISOString() ?? null } : null;
  }
}
