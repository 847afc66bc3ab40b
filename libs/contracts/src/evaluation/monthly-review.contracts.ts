import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { findingSchema } from './comment.contracts';
import { decisionSchema } from './decision';

// 月度观摩点评 (seed 004: the district is divided into fifteen zones, each guided by a leader, with a
// concentrated on-site review and rating at the end of every month whose results feed the assessment).
// One stream per zone, `zone-<id>`; one per monthly round, `monthly-review-<id>`; the problems a round
// finds at a unit open a findings stream of the comment category (as inspections do, ADR 0038), so the
// unit rectifies by the comment slice's rules (ADR 0047).

const id = z.uuid();
const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');

export const ZoneDesignated = defineContract({
  context: 'evaluation',
  name: 'ZoneDesignated',
  version: 1,
  stream: 'zone',
  description: 'A campaign divided part of its subtree into a zone (片区) guided by a leader, with the units the zone reviews.',
  schema: z.object({
    zoneId: id,
    campaignId: id,
    name: z.string().min(1).max(200),
    leader: z.string().min(1).max(200).describe('Keycloak subject of the guiding leader (联系领导)'),
    units: z.array(id).min(1).max(5000).describe('the units of the zone, each in the campaign’s subtree'),
    designatedOn: daySchema,
    decision: decisionSchema.describe('who designated it, the campaign stream read, the campaign root’s path, the designation rule'),
  }),
});

/** A rubric criterion as the round recorded it: its key, weight (the weights sum to 100) and the most points it takes. */
export const rubricCriterionSchema = z.object({
  key: z.string().regex(/^[a-z_]+$/),
  label: z.string().min(1).max(200),
  weight: z.int().min(1).max(100),
  maxPoints: z.int().min(1).max(100),
});

export const MonthlyReviewOpened = defineContract({
  context: 'evaluation',
  name: 'MonthlyReviewOpened',
  version: 1,
  stream: 'monthly-review',
  description:
    'A monthly on-site review round (月度观摩点评) of a zone opened on the quarter’s theme with a versioned rubric; the units are the zone’s at the version read.',
  schema: z.object({
    roundId: id,
    zoneId: id,
    campaignId: id,
    cycleId: id,
    month: monthSchema,
    theme: z.string().min(1).max(200).describe('the quarter’s theme (一季一主题) the units are reviewed on'),
    rubric: z.object({ id: z.string().min(1).max(100), version: z.int().min(1), criteria: z.array(rubricCriterionSchema).min(1).max(20) }),
    leader: z.string().min(1).max(200).describe('the zone’s guiding leader at the version read'),
    units: z.array(id).min(1).max(5000),
    openedOn: daySchema,
    decision: decisionSchema.describe('who opened it, the zone and campaign streams read, the opening rule'),
  }),
});

export const MonthlyReviewScoresRecorded = defineContract({
  context: 'evaluation',
  name: 'MonthlyReviewScoresRecorded',
  version: 1,
  stream: 'monthly-review',
  description:
    'One scorer’s points for a batch of the round’s units, one figure per rubric criterion in the rubric’s order; a later batch of the same scorer replaces their earlier points for a unit.',
  schema: z.object({
    roundId: id,
    scoredOn: daySchema,
    scores: z
      .array(z.object({ orgId: id, points: z.array(z.int().min(0).max(100)).min(1).max(20) }))
      .min(1)
      .max(1000),
    decision: decisionSchema.describe('the scorer (the zone’s leader or an organizer above), the scoring rule'),
  }),
});

export const MonthlyReviewConcluded = defineContract({
  context: 'evaluation',
  name: 'MonthlyReviewConcluded',
  version: 1,
  stream: 'monthly-review',
  description:
    'A round’s result: each scored unit’s weighted score (‰ of the most a unit can get) and rank within the zone — units, never individuals — by the rubric version recorded; the round stream’s version read is the provenance of the scores.',
  schema: z.object({
    roundId: id,
    zoneId: id,
    month: monthSchema,
    concludedOn: daySchema,
    results: z
      .array(z.object({ orgId: id, scorePermille: z.int().min(0).max(1000), rank: z.int().min(1), scorers: z.int().min(1) }))
      .max(5000)
      .describe('best first; equal scores share a rank (1, 2, 2, 4)'),
    unscored: z.array(id).max(5000).describe('units of the round nobody scored, not ranked'),
    decision: decisionSchema.describe('who concluded it, the round stream at the version whose scores were read, the rubric as rule'),
  }),
});

/** 观摩点评发现问题: the zone's leader or an organizer above records what the round found at one unit. */
export const MonthlyReviewFindingsRecorded = defineContract({
  context: 'evaluation',
  name: 'MonthlyReviewFindingsRecorded',
  version: 1,
  stream: 'comment',
  description:
    'Problems a monthly review round found at one of its units, recorded as findings with rectifications and deadlines on a findings stream of their own.',
  schema: z.object({
    commentId: id.describe('the findings stream’s id'),
    roundId: id,
    orgId: id.describe('the unit reviewed, which rectifies'),
    recordedOn: daySchema,
    summary: z.string().min(1).max(4000),
    findings: z.array(findingSchema).min(1).max(50),
    decision: decisionSchema.describe('who recorded them, the round stream at the version read, the unit’s path, the scorer rule'),
  }),
});

export const monthlyReviewContracts = [
  ZoneDesignated,
  MonthlyReviewOpened,
  MonthlyReviewScoresRecorded,
  MonthlyReviewConcluded,
  MonthlyReviewFindingsRecorded,
] as const;
