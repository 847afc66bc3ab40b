import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { decisionSchema } from './decision';

// 五个好 (seed 001 part 2): an organisation is scored on leadership, membership, mechanism,
// performance and reputation; a versioned rule turns the scores into a tier (先进 / 中间 /
// 后进) and a star rating; a change of tier is recorded (晋档升级). One stream per
// organisation, `assessment-<orgId>`, so successive assessments compare in order.

const id = z.uuid();
const score = z.int().min(0).max(20).describe('0–20 points');

export const orgTierSchema = z.enum(['advanced', 'middle', 'lagging']);
export const orgScoresSchema = z.object({
  leadership: score,
  membership: score,
  mechanism: score,
  performance: score,
  reputation: score,
});

/**
 * One monthly on-site review round (月度观摩点评, ADR 0047) an assessment weighed: the unit's figures
 * as the round concluded them. The round stream and the version read are among the decision's inputs
 * (`monthly-review-<roundId>`), so the figures can be checked against the round (ADR 0050).
 */
export const assessedMonthlyReviewSchema = z.object({
  roundId: id,
  zoneId: id,
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
  scorePermille: z.int().min(0).max(1000).describe('the unit’s weighted score, ‰ of the most a unit can get'),
  rank: z.int().min(1).describe('the unit’s rank within the zone (equal scores share a rank)'),
  unitsRanked: z.int().min(1).describe('how many units the round ranked'),
  rubricVersion: z.int().min(1).describe('the rubric version the round scored under'),
});

export const OrganizationAssessed = defineContract({
  context: 'evaluation',
  name: 'OrganizationAssessed',
  version: 1,
  stream: 'assessment',
  description: 'An organisation was assessed on the five goods; the tier and star rating come from the recorded rule version.',
  schema: z.object({
    orgId: id,
    period: z.string().regex(/^\d{4}$/, 'the year assessed'),
    scores: orgScoresSchema,
    total: z.int().min(0).max(100),
    tier: orgTierSchema,
    starRating: z.int().min(1).max(5),
    monthlyReviews: z
      .array(assessedMonthlyReviewSchema)
      .max(98)
      .optional()
      .describe(
        'the concluded monthly reviews of the year that ranked the unit, oldest first, as the decision read them; absent when it read none (and on decisions recorded before ADR 0050)',
      ),
    assessedOn: daySchema
      .optional()
      .describe(
        'the China day the decision was taken on (the year assessed has begun by then); absent on decisions recorded before it was',
      ),
    decision: decisionSchema,
  }),
});

export const TierChanged = defineContract({
  context: 'evaluation',
  name: 'TierChanged',
  version: 1,
  stream: 'assessment',
  description: 'An assessment moved the organisation to another tier (晋档升级 or a fall).',
  schema: z.object({
    orgId: id,
    period: z.string().regex(/^\d{4}$/),
    from: orgTierSchema,
    to: orgTierSchema,
    direction: z.enum(['up', 'down']),
  }),
});

export const assessmentContracts = [OrganizationAssessed, TierChanged] as const;
