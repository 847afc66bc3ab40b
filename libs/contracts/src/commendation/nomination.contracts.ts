import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { commendationDecisionInputSchema, commendationDecisionSchema, commendationRuleRefSchema } from './decision';
import { awardCategorySchema, nomineeKindSchema, reviewLevelSchema } from './vocabulary';

// 推荐 (自下而上、层层推荐, seed 001): a branch or a township nominates a member or an
// organisation with the record of its deeds; the named, versioned eligibility policies are
// checked on facts read from evaluation's public events; every level between the nominator
// and the awarding body endorses, returns or rejects it, within its places; the awarding
// body's endorsement puts it on the shortlist for public notice; an upheld objection
// withdraws it; the awarding body decides (表彰决定) and may later revoke. One stream per
// nomination, `nomination-<nominationId>`.

const id = z.uuid();

export const nomineeSchema = z.object({
  kind: nomineeKindSchema,
  id: id.describe('the member or the organisation nominated'),
  name: z.string().min(1).max(200).describe('as shown on the public notice; never an ID-card number or phone'),
  orgId: id.describe('the member’s organisation, or the organisation itself'),
  orgName: z.string().min(1).max(200),
});

export const deedsSchema = z.object({
  summary: z.string().min(1).max(500).describe('主要事迹摘要, shown on the public notice'),
  record: z.string().min(1).max(20_000).describe('主要事迹材料, the full record of deeds'),
});

export const reviewStepSchema = z.object({
  orgId: id,
  level: reviewLevelSchema,
  dueOn: daySchema.describe('the programme’s review deadline for this level'),
});

/** Places used when a level forwarded a nomination: the unit's allocation and how many it had used before. */
export const quotaUseSchema = z.object({
  unitOrgId: id,
  places: z.int().min(0),
  usedBefore: z.int().min(0).describe('nominations of the unit in this category that this level had forwarded before'),
});

export const policyResultSchema = z.object({
  policy: commendationRuleRefSchema,
  passed: z.boolean(),
  inputs: z.array(commendationDecisionInputSchema).max(50).describe('the evaluation streams and versions the policy read'),
});

export const EligibilityChecked = defineContract({
  context: 'commendation',
  name: 'EligibilityChecked',
  version: 1,
  stream: 'nomination',
  description:
    'The eligibility policies in force for the programme were checked on the nominee: each policy’s verdict and the evaluation streams (and versions) it read; `decision.rule` is the policy that refused, or commendation.eligibility when all passed.',
  schema: z.object({
    nominationId: id,
    programmeId: id,
    category: awardCategorySchema,
    nominee: z.object({ kind: nomineeKindSchema, id }),
    eligible: z.boolean(),
    results: z.array(policyResultSchema).max(20),
    decision: commendationDecisionSchema,
  }),
});

export const NominationSubmitted = defineContract({
  context: 'commendation',
  name: 'NominationSubmitted',
  version: 1,
  stream: 'nomination',
  description:
    'A branch or a township nominated a member or an organisation with its record of deeds, within the nomination window and its unit’s places; the review chain lists every level that must endorse it, the awarding body last.',
  schema: z.object({
    nominationId: id,
    programmeId: id,
    category: awardCategorySchema,
    nominee: nomineeSchema,
    nominatorOrgId: id,
    deeds: deedsSchema,
    chain: z.array(reviewStepSchema).min(1).max(4),
    quota: quotaUseSchema,
    submittedOn: daySchema.optional().describe('the day the nomination window was checked against'),
    decision: commendationDecisionSchema,
  }),
});

export const NominationEndorsed = defineContract({
  context: 'commendation',
  name: 'NominationEndorsed',
  version: 1,
  stream: 'nomination',
  description:
    'A level of the review chain endorsed the nomination within its unit’s places and sent it up; the awarding body’s endorsement puts it on the shortlist (`shortlisted`).',
  schema: z.object({
    nominationId: id,
    programmeId: id,
    step: reviewStepSchema,
    shortlisted: z.boolean(),
    late: z.boolean().describe('endorsed after the level’s deadline'),
    endorsedOn: daySchema.optional().describe('the day of the endorsement, which `late` compares with the deadline'),
    quota: quotaUseSchema,
    decision: commendationDecisionSchema,
  }),
});

export const NominationReturned = defineContract({
  context: 'commendation',
  name: 'NominationReturned',
  version: 1,
  stream: 'nomination',
  description: 'A level of the review chain returned the nomination to the nominator for amendment, with its reason.',
  schema: z.object({ nominationId: id, programmeId: id, step: reviewStepSchema, decision: commendationDecisionSchema }),
});

export const NominationAmended = defineContract({
  context: 'commendation',
  name: 'NominationAmended',
  version: 1,
  stream: 'nomination',
  description: 'The nominator amended a returned nomination; it is reviewed again from the first level of its chain.',
  schema: z.object({ nominationId: id, programmeId: id, deeds: deedsSchema, decision: commendationDecisionSchema }),
});

export const NominationRejected = defineContract({
  context: 'commendation',
  name: 'NominationRejected',
  version: 1,
  stream: 'nomination',
  description: 'A level of the review chain rejected the nomination, with its reason; it goes no further.',
  schema: z.object({ nominationId: id, programmeId: id, step: reviewStepSchema, decision: commendationDecisionSchema }),
});

export const NominationReviewOverdue = defineContract({
  context: 'commendation',
  name: 'NominationReviewOverdue',
  version: 1,
  stream: 'nomination',
  description: 'The level the nomination waits on let its review deadline pass (once per level and round of review).',
  schema: z.object({ nominationId: id, programmeId: id, step: reviewStepSchema, notedOn: daySchema }),
});

export const NominationWithdrawn = defineContract({
  context: 'commendation',
  name: 'NominationWithdrawn',
  version: 1,
  stream: 'nomination',
  description: 'An objection to the nomination was upheld: the nomination is withdrawn from the shortlist, with the findings as reason.',
  schema: z.object({ nominationId: id, programmeId: id, objectionId: id, decision: commendationDecisionSchema }),
});

export const CommendationDecided = defineContract({
  context: 'commendation',
  name: 'CommendationDecided',
  version: 1,
  stream: 'nomination',
  description:
    'The awarding body commended the nominee by a decision document (表彰决定) after the full public notice, with no objection open. Publicity turns it into an exemplar proposal.',
  schema: z.object({
    nominationId: id,
    programmeId: id,
    category: awardCategorySchema,
    nominee: nomineeSchema,
    deedsSummary: z.string().min(1).max(500),
    documentNumber: z.string().min(1).max(100).describe('e.g. 通创组发〔2012〕5号'),
    decidedOn: daySchema,
    decision: commendationDecisionSchema,
  }),
});

export const CommendationRevoked = defineContract({
  context: 'commendation',
  name: 'CommendationRevoked',
  version: 1,
  stream: 'nomination',
  description:
    'The awarding body revoked a commendation it had decided, with its reason. Publicity withdraws the exemplar and the honour-roll entry.',
  schema: z.object({
    nominationId: id,
    programmeId: id,
    documentNumber: z.string().min(1).max(100).describe('the decision revoked'),
    revokedOn: daySchema,
    decision: commendationDecisionSchema,
  }),
});

export const nominationContracts = [
  EligibilityChecked,
  NominationSubmitted,
  NominationEndorsed,
  NominationReturned,
  NominationAmended,
  NominationRejected,
  NominationReviewOverdue,
  NominationWithdrawn,
  CommendationDecided,
  CommendationRevoked,
] as const;
