import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { commendationDecisionSchema, commendationRuleRefSchema } from './decision';
import { awardCategorySchema, awardLevelSchema, noticeDayKindSchema, reviewLevelSchema } from './vocabulary';

// 表彰 (seed 001 part 4, seed 003 item 14): an awarding body launches a programme with its
// categories, the years it looks back on, its timeline (April deployment, nomination window,
// a review deadline per level, the notice period, the decision before 1 July) and the
// eligibility policies in force; it allocates places (名额) to its subordinate units. One
// stream per programme, `award-programme-<programmeId>`.

const id = z.uuid();

export const programmeTimelineSchema = z.object({
  nominationOpensOn: daySchema,
  nominationClosesOn: daySchema,
  reviewDeadlines: z
    .array(z.object({ level: reviewLevelSchema, dueOn: daySchema }))
    .min(1)
    .max(4)
    .describe('one deadline per reviewing level, lower levels first, the awarding level last'),
  notice: z.object({ days: z.int().min(1).max(30), dayKind: noticeDayKindSchema }).describe('公示期'),
  decisionOn: daySchema.describe('the planned date of the decision (表彰决定)'),
});

export const AwardProgrammeLaunched = defineContract({
  context: 'commendation',
  name: 'AwardProgrammeLaunched',
  version: 1,
  stream: 'award-programme',
  description:
    'An awarding body launched a commendation programme (表彰) with its categories, years, timeline and the eligibility policy versions in force for it.',
  schema: z.object({
    programmeId: id,
    name: z.string().min(1).max(200).describe('e.g. 2011 七一集中表彰'),
    orgId: id.describe('the awarding body'),
    level: awardLevelSchema,
    categories: z.array(awardCategorySchema).min(1).max(4),
    years: z.array(z.int().min(2000).max(2100)).min(1).max(10).describe('the campaign years the eligibility policies look at'),
    timeline: programmeTimelineSchema,
    eligibilityPolicies: z.array(commendationRuleRefSchema).max(20).describe('policy id and version in force for this programme'),
    decision: commendationDecisionSchema,
  }),
});

export const QuotaAllocated = defineContract({
  context: 'commendation',
  name: 'QuotaAllocated',
  version: 1,
  stream: 'award-programme',
  description:
    'The awarding body allocated a number of places (名额) in one category to a subordinate unit; a later allocation for the same unit and category replaces it.',
  schema: z.object({
    programmeId: id,
    unitOrgId: id.describe('the subordinate unit (directly below the awarding body)'),
    category: awardCategorySchema,
    places: z.int().min(0).max(10_000),
    allocatedOn: daySchema.optional().describe('the day checked against the close of nominations'),
    decision: commendationDecisionSchema,
  }),
});

export const programmeContracts = [AwardProgrammeLaunched, QuotaAllocated] as const;
