import { z } from 'zod';
import { defineContract } from '../contract';
import { memberGradeSchema } from '../county/vocabulary';
import { daySchema } from '../organization/vocabulary';
import { decisionSchema } from './decision';

// 民主评议党员 (yearly): the member's self-assessment and party-spirit analysis (党性分析), peer
// ballots on the grades, the branch's conclusion with reasons, approved (or returned) by the
// level above. One stream per member and year, `review-<memberId>-<year>`.

const id = z.uuid();

export const gradeTallySchema = z.object({
  excellent: z.int().min(0),
  qualified: z.int().min(0),
  basicallyQualified: z.int().min(0),
  unqualified: z.int().min(0),
});

/** 五个模范 (seed 001 part 2): learning, carrying out policy, serving the masses, dedication at one's post, discipline. */
export const MEMBER_CRITERIA = ['learning', 'policy', 'service', 'dedication', 'discipline'] as const;
export type MemberCriterion = (typeof MEMBER_CRITERIA)[number];

/** How the peer ballots judged one model: met (达到), partly met (基本达到), not met (未达到); a ballot may leave it blank. */
export const criterionTallySchema = z.object({ met: z.int().min(0), partlyMet: z.int().min(0), notMet: z.int().min(0) });

export const memberCriteriaTallySchema = z.object({
  learning: criterionTallySchema,
  policy: criterionTallySchema,
  service: criterionTallySchema,
  dedication: criterionTallySchema,
  discipline: criterionTallySchema,
});

export const SelfAssessmentSubmitted = defineContract({
  context: 'evaluation',
  name: 'SelfAssessmentSubmitted',
  version: 1,
  stream: 'review',
  description: 'A member submitted the year’s self-assessment and party-spirit analysis.',
  schema: z.object({
    memberId: id,
    orgId: id,
    year: z.int().min(2000).max(2100),
    submittedOn: daySchema,
    selfAssessment: z.string().min(1).max(8000),
    partySpiritAnalysis: z.string().min(1).max(8000),
  }),
});

export const PeerBallotsTallied = defineContract({
  context: 'evaluation',
  name: 'PeerBallotsTallied',
  version: 1,
  stream: 'review',
  description:
    'The branch counted the peer ballots on the member (who voted how is not recorded). `activeMembers`: the branch’s active members per the roster when counted, which bounds the ballots (absent on tallies recorded before the bound). ' +
    'A count relayed by a county system (county.DemocraticReviewTallied) also carries `heldOn` and a `decision` naming who sent it; ' +
    'until the branch concludes, a later county count replaces the one in force and says so in `replaces` (consumers keep the last tally of the stream).',
  schema: z.object({
    memberId: id,
    year: z.int(),
    tally: gradeTallySchema,
    criteria: memberCriteriaTallySchema
      .optional()
      .describe(
        'the ballots on each of the five models (五个模范), when the branch counted them: met, partly met, not met; none exceeds the ballots cast (absent on tallies of the grades alone)',
      ),
    activeMembers: z.int().min(0).optional(),
    heldOn: daySchema
      .optional()
      .describe('the day the ballots were counted, as a county system reports it; absent on the platform’s own count'),
    replaces: z
      .object({ version: z.int().min(1), heldOn: daySchema.optional(), tally: gradeTallySchema })
      .optional()
      .describe('the tally this one replaces: its stream version, day and count (a county recount before the conclusion)'),
    decision: decisionSchema
      .optional()
      .describe(
        'on a county’s count: who sent it (the county’s service account, role county_system, the branch), the review read, the rules run',
      ),
  }),
});

export const ReviewConcluded = defineContract({
  context: 'evaluation',
  name: 'ReviewConcluded',
  version: 1,
  stream: 'review',
  description: 'The branch concluded the member’s grade with its reasons; the level above approves it.',
  schema: z.object({ memberId: id, year: z.int(), grade: memberGradeSchema, decision: decisionSchema }),
});

export const ReviewApproved = defineContract({
  context: 'evaluation',
  name: 'ReviewApproved',
  version: 1,
  stream: 'review',
  description: 'The level above approved the branch’s conclusion: the grade stands.',
  schema: z.object({ memberId: id, year: z.int(), grade: memberGradeSchema, decision: decisionSchema }),
});

export const ReviewReturned = defineContract({
  context: 'evaluation',
  name: 'ReviewReturned',
  version: 1,
  stream: 'review',
  description: 'The level above returned the conclusion to the branch with a reason.',
  schema: z.object({ memberId: id, year: z.int(), decision: decisionSchema }),
});

export const reviewContracts = [SelfAssessmentSubmitted, PeerBallotsTallied, ReviewConcluded, ReviewApproved, ReviewReturned] as const;
