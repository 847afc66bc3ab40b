import type { Pool } from 'pg';
import type {
  EligibilityFacts,
  EligibilityFactsPort,
  EligibilitySubject,
  MemberGrade,
  OrgTier,
} from '../../application/eligibility/eligibility-facts.port';

/** The fact tables as the policies read them: every row about the subject, each with its stream and version. */
export class SqlEligibilityFacts implements EligibilityFactsPort {
  constructor(private readonly pool: Pool) {}

  async factsFor(subject: EligibilitySubject): Promise<EligibilityFacts> {
    const grades =
      subject.kind === 'member'
        ? (
            await this.pool.query<{ year: number; grade: MemberGrade; org_id: string; stream_id: string; stream_version: number }>(
              `select year, grade, org_id, stream_id, stream_version from eligibility_member_grade
                where member_id = $1 order by year`,
              [subject.id],
            )
          ).rows.map((r) => ({
            year: r.year,
            grade: r.grade,
            orgId: r.org_id,
            input: { streamId: r.stream_id, version: r.stream_version },
          }))
        : [];
    const assessments =
      subject.kind === 'organization'
        ? (
            await this.pool.query<{ year: number; tier: OrgTier; star_rating: number; stream_id: string; stream_version: number }>(
              `select year, tier, star_rating, stream_id, stream_version from eligibility_org_assessment
                where org_id = $1 order by year`,
              [subject.id],
            )
          ).rows.map((r) => ({
            year: r.year,
            tier: r.tier,
            starRating: r.star_rating,
            input: { streamId: r.stream_id, version: r.stream_version },
          }))
        : [];
    const satisfaction = (
      await this.pool.query<{
        window_id: string;
        year: number;
        satisfaction_permille: number | null;
        org_id: string;
        stream_id: string;
        stream_version: number;
      }>(
        `select window_id, year, satisfaction_permille, org_id, stream_id, stream_version from eligibility_satisfaction
          where subject_kind = $1 and subject_id = $2 and closed order by year, window_id`,
        [subject.kind, subject.id],
      )
    ).rows.map((r) => ({
      windowId: r.window_id,
      year: r.year,
      satisfactionPermille: r.satisfaction_permille,
      orgId: r.org_id,
      input: { streamId: r.stream_id, version: r.stream_version },
    }));
    return { subject, grades, assessments, satisfaction };
  }
}
