import type { PoolClient } from 'pg';
import { MassEvaluationClosed, MassEvaluationOpened, OrganizationAssessed, ReviewApproved, type ContractEvent } from '@vanguard/contracts';
import { handle, type EventHandler } from '@vanguard/messaging';

/**
 * Evaluation's public events → the three fact tables the eligibility policies read. Each row
 * keeps the stream id and version it came from, so a check can name what it read; a row
 * moves only forward in its stream's version, so a late or repeated delivery never puts an
 * older fact back (the inbox already makes each event count once).
 */
export const eligibilityFactHandlers: Readonly<Record<string, EventHandler<PoolClient>>> = {
  ...handle(ReviewApproved, async (e: ContractEvent<typeof ReviewApproved>, { tx }) => {
    await tx.query(
      `insert into eligibility_member_grade (member_id, year, grade, org_id, stream_id, stream_version, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (member_id, year) do update
         set grade = excluded.grade, org_id = excluded.org_id, stream_id = excluded.stream_id, stream_version = excluded.stream_version,
             recorded_at = excluded.recorded_at
         where eligibility_member_grade.stream_version < excluded.stream_version`,
      // The envelope's organisation scopes the review (the member's branch): who may read the fact.
      [e.data.memberId, e.data.year, e.data.grade, e.orgId, e.streamId, e.streamVersion, e.recordedAt],
    );
  }),
  ...handle(OrganizationAssessed, async (e: ContractEvent<typeof OrganizationAssessed>, { tx }) => {
    await tx.query(
      `insert into eligibility_org_assessment (org_id, year, tier, star_rating, total, stream_id, stream_version, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (org_id, year) do update
         set tier = excluded.tier, star_rating = excluded.star_rating, total = excluded.total, stream_id = excluded.stream_id,
             stream_version = excluded.stream_version, recorded_at = excluded.recorded_at
         where eligibility_org_assessment.stream_version < excluded.stream_version`,
      [e.data.orgId, Number(e.data.period), e.data.tier, e.data.starRating, e.data.total, e.streamId, e.streamVersion, e.recordedAt],
    );
  }),
  ...handle(MassEvaluationOpened, async (e: ContractEvent<typeof MassEvaluationOpened>, { tx }) => {
    await tx.query(
      `insert into eligibility_satisfaction (window_id, subject_kind, subject_id, org_id, year, stream_id, stream_version, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (window_id) do nothing`,
      [
        e.data.windowId,
        e.data.subject.kind,
        e.data.subject.id,
        e.data.orgId,
        Number(e.data.opensOn.slice(0, 4)),
        e.streamId,
        e.streamVersion,
        e.recordedAt,
      ],
    );
  }),
  ...handle(MassEvaluationClosed, async (e: ContractEvent<typeof MassEvaluationClosed>, { tx }) => {
    // A window's events share one key, so its opening arrived first; a close for an unknown window changes nothing.
    await tx.query(
      `update eligibility_satisfaction
          set closed = true, satisfaction_permille = $2, ballots_cast = $3, stream_version = $4, recorded_at = $5
        where window_id = $1 and stream_version < $4`,
      [e.data.windowId, e.data.satisfactionPermille, e.data.ballotsCast, e.streamVersion, e.recordedAt],
    );
  }),
};
