import type { Pool } from 'pg';
import type { ClockPort } from '../../application/ports/clock.port';
import { LEADER_ROLES, type RosterPort } from '../../application/ports/roster.port';
import type { RectificationStatus } from '../../application/queries/comments/comment-read-model.port';
import type { EvidenceItem, EvidenceSource } from '../../application/ports/evidence-source.port';
import { STATUS } from '../projection/comments/sql-comment.read-model';

interface Row {
  comment_id: string;
  finding_id: string;
  problem: string;
  rectification: string;
  deadline: string;
  status: RectificationStatus;
  completed_on: string | null;
  form: string;
  member_id: string | null;
  version: number;
}

/**
 * 点评与整改: findings of the year on the member (a mass evaluation of the member) and, for a member
 * who leads the organisation (书记, 委员 per the roster: answerable for its rectifications), on the
 * organisation too (leader comments, mass evaluations of the organisation). Each comes with its
 * rectification's standing — open, overdue, done on time or late — judged on today's date by the
 * comments slice's own expression (ADR 0026), at the version of the comment stream the row reflects.
 * An ordinary member's pack does not carry every finding on the branch (ADR 0031).
 */
export class RectificationEvidenceSource implements EvidenceSource {
  readonly name = 'rectification';
  constructor(
    private readonly pool: Pool,
    private readonly clock: ClockPort,
    private readonly roster: RosterPort,
  ) {}

  async collect(q: { memberId: string; orgId: string; year: number }): Promise<EvidenceItem[]> {
    const member = await this.roster.member(q.memberId);
    const leadsTheOrg = member?.orgId === q.orgId && member.roles.some((r) => LEADER_ROLES.includes(r));
    const { rows } = await this.pool.query<Row>(
      `select r.comment_id, r.finding_id, r.problem, r.rectification, to_char(r.deadline, 'YYYY-MM-DD') as deadline,
              ${STATUS('$4')} as status, to_char(r.completed_on, 'YYYY-MM-DD') as completed_on, c.form, c.member_id, c.version
         from rectification_view r join comment_view c on c.comment_id = r.comment_id
        where (c.member_id = $1 or (c.member_id is null and r.org_id = $2 and $5::boolean))
          and c.made_on >= make_date($3, 1, 1) and c.made_on < make_date($3 + 1, 1, 1)
        order by r.deadline, r.finding_id`,
      [q.memberId, q.orgId, q.year, this.clock.today(), leadsTheOrg],
    );
    return rows.map((r) => ({
      source: this.name,
      kind: `rectification.${r.status}`,
      streamId: `comment-${r.comment_id}`,
      version: r.version,
      on: r.deadline,
      summary: r.problem,
      facts: {
        status: r.status,
        rectification: r.rectification,
        deadline: r.deadline,
        completedOn: r.completed_on,
        raisedBy: r.form === 'mass_evaluation' ? 'mass_evaluation' : 'leader_comment',
        about: r.member_id ? 'member' : 'organization',
      },
    }));
  }
}
