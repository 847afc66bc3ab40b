import { z } from 'zod';
import { defineContract } from '../contract';
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
