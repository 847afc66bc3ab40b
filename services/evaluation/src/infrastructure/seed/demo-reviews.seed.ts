import { reviewDecider } from '@vanguard/evaluation-domain';
import { ApproveReviewHandler } from '../../application/commands/approve-review/approve-review.handler';
import { ConcludeReviewHandler } from '../../application/commands/conclude-review/conclude-review.handler';
import { ReturnReviewHandler } from '../../application/commands/return-review/return-review.handler';
import { SubmitSelfAssessmentHandler } from '../../application/commands/submit-self-assessment/submit-self-assessment.handler';
import { TallyPeerBallotsHandler } from '../../application/commands/tally-peer-ballots/tally-peer-ballots.handler';
import { EvidencePack } from '../../application/reviews/evidence-pack';
import { reviewStream } from '../../application/reviews/review-access';
import { InMemoryRoster } from '../../application/testing/in-memory-roster';
import { PledgeEvidenceSource } from '../reviews/pledge-evidence.source';
import { as, COUNTY, demoId, demoIds, on, TOWNSHIP, VILLAGE, type DemoSeed } from './demo-support';
import type { MemberCriterion } from '@vanguard/contracts';

/** The level above the village branch approves: the township's reviewer, or the county's organiser. */
const townshipReviewer = as(TOWNSHIP, 'reviewer');
const village = as(VILLAGE, 'branch_secretary');
const county = as(COUNTY, 'organizer');

type Grade = 'excellent' | 'qualified' | 'basically_qualified' | 'unqualified';
interface DemoReview {
  readonly self: string;
  readonly analysis: string;
  readonly tally: { excellent: number; qualified: number; basicallyQualified: number; unqualified: number };
  /** 五个模范: how the same ballots judged each model (a ballot may leave one blank). */
  readonly criteria?: Record<MemberCriterion, { met: number; partlyMet: number; notMet: number }>;
  readonly grade: Grade;
  readonly reason: string;
  /** approved; returned once (then concluded again and approved); or left waiting for approval. */
  readonly outcome: 'approved' | 'returned_then_approved' | 'pending';
}

/** 红石村's members in 2010 (synthetic; ids in the reviews block, not the organization service's roster). */
const REVIEWS: readonly DemoReview[] = [
  {
    self: '带头修路筹资，全年参加支部活动12次',
    analysis: '服务群众主动，理论学习还不够系统',
    tally: { excellent: 19, qualified: 4, basicallyQualified: 0, unqualified: 0 },
    criteria: {
      learning: { met: 15, partlyMet: 8, notMet: 0 },
      policy: { met: 21, partlyMet: 2, notMet: 0 },
      service: { met: 23, partlyMet: 0, notMet: 0 },
      dedication: { met: 20, partlyMet: 3, notMet: 0 },
      discipline: { met: 22, partlyMet: 0, notMet: 0 },
    },
    grade: 'excellent',
    reason: '测评优秀票过半，带头作用突出',
    outcome: 'approved',
  },
  {
    self: '完成本职工作，按时交纳党费',
    analysis: '创先争优意识有待增强',
    tally: { excellent: 5, qualified: 17, basicallyQualified: 1, unqualified: 0 },
    grade: 'qualified',
    reason: '履行党员义务',
    outcome: 'returned_then_approved',
  },
  {
    self: '外出务工半年，参加活动较少',
    analysis: '组织观念淡薄，联系群众不够',
    tally: { excellent: 0, qualified: 9, basicallyQualified: 12, unqualified: 2 },
    grade: 'basically_qualified',
    reason: '全年参加组织生活不足半数，经谈话提醒后有改进',
    outcome: 'pending',
  },
];

const FIRST = 30_000_000;

/** 红石村's member graded excellent in 2010 (the first review below); the pioneer seed selects them too. */
export const REVIEWED_MEMBER = demoId(FIRST);

/**
 * Last year's (2010) democratic reviews of 红石村: approved, returned and approved, and one
 * waiting for the township's approval — through the live handlers on the days they would have
 * happened. Idempotent: nothing is added once the first review exists.
 */
export const seedDemoReviews: DemoSeed = async ({ pool, streams, tree }) => {
  const ids = demoIds(FIRST);
  const members = REVIEWS.map(() => ids.next());
  if ((await streams.load(reviewStream(members[0]!, 2010), reviewDecider)).version > 0)
    return { slice: 'reviews', created: false, events: 0 };
  // The synthetic 2010 branch is not in the organization roster: the handlers ask one that has
  // the reviewed members (and enough others to have cast the ballots) active in the village.
  const roster = new InMemoryRoster({
    parents: {},
    members: [...members, ...Array.from({ length: 30 }, () => ids.next())].map((id) => ({
      id,
      orgId: VILLAGE,
      status: 'full' as const,
      active: true,
      roles: [],
    })),
  });
  const evidence = new EvidencePack([new PledgeEvidenceSource(pool)]);
  const tally = new TallyPeerBallotsHandler(streams, tree, roster);
  const conclude = new ConcludeReviewHandler(streams, tree, evidence);
  const approve = new ApproveReviewHandler(streams, tree);
  let events = 0;
  for (const [i, r] of REVIEWS.entries()) {
    const memberId = members[i]!;
    await new SubmitSelfAssessmentHandler(streams, tree, on('2010-12-10'), roster).execute(
      { memberId, year: 2010, orgId: VILLAGE, selfAssessment: r.self, partySpiritAnalysis: r.analysis },
      village,
    );
    await tally.execute(memberId, 2010, { tally: r.tally, ...(r.criteria ? { criteria: r.criteria } : {}) }, village);
    await conclude.execute(memberId, 2010, { grade: r.grade, reason: r.reason }, village);
    events += 3;
    if (r.outcome === 'returned_then_approved') {
      await new ReturnReviewHandler(streams, tree).execute(memberId, 2010, { reason: '请补充测评和谈心谈话情况' }, townshipReviewer);
      await conclude.execute(memberId, 2010, { grade: r.grade, reason: `${r.reason}；已补充谈心谈话记录` }, village);
      events += 2;
    }
    if (r.outcome !== 'pending') {
      await approve.execute(memberId, 2010, { reason: '同意支部评定意见' }, r.outcome === 'approved' ? townshipReviewer : county);
      events += 1;
    }
  }
  return { slice: 'reviews', created: true, events };
};
