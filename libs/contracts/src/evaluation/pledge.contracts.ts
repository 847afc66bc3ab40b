import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { decisionSchema } from './decision';

// 公开承诺 → 践诺 → 评诺 (承诺-践诺-再承诺), seed 004 part 1: a pledge is made by an organisation
// or a member in a quarterly cycle, filed (把关备案) by the level above, published, reported
// on, fulfilled or lapsed, and rated by the masses. All on the pledge's stream, `pledge-<id>`.

const id = z.uuid();

/** Seed 004: 完成阶段工作任务 / 为群众办实事好事 / 加强自身建设. */
export const pledgeCategorySchema = z.enum(['stage_task', 'deed_for_masses', 'self_improvement']);
export const pledgerSchema = z.object({
  kind: z.enum(['organization', 'member']),
  id: id.describe('the organisation or member who pledges'),
});
const contentSchema = z.string().min(1).max(2000).describe('what is pledged, as published');

export const PledgeMade = defineContract({
  context: 'evaluation',
  name: 'PledgeMade',
  version: 1,
  stream: 'pledge',
  description: 'An organisation or a member made a pledge in a cycle (公开承诺); it waits for the level above to file it.',
  schema: z.object({
    pledgeId: id,
    campaignId: id,
    cycleId: id,
    pledger: pledgerSchema,
    orgId: id.describe('the pledger, or the member’s organisation'),
    category: pledgeCategorySchema,
    content: contentSchema,
    dueOn: daySchema,
    followsPledgeId: id.nullable().describe('the fulfilled pledge this one follows (再承诺), if any'),
  }),
});

export const PledgeAmended = defineContract({
  context: 'evaluation',
  name: 'PledgeAmended',
  version: 1,
  stream: 'pledge',
  description: 'A returned pledge was amended and submitted again for filing.',
  schema: z.object({ pledgeId: id, category: pledgeCategorySchema, content: contentSchema, dueOn: daySchema }),
});

export const PledgeFiled = defineContract({
  context: 'evaluation',
  name: 'PledgeFiled',
  version: 1,
  stream: 'pledge',
  description: 'The level above checked and filed the pledge (把关备案); it may now be published.',
  schema: z.object({ pledgeId: id, decision: decisionSchema }),
});

export const PledgeReturned = defineContract({
  context: 'evaluation',
  name: 'PledgeReturned',
  version: 1,
  stream: 'pledge',
  description: 'The level above returned the pledge with a reason; the pledger may amend it.',
  schema: z.object({ pledgeId: id, decision: decisionSchema }),
});

export const PledgePublished = defineContract({
  context: 'evaluation',
  name: 'PledgePublished',
  version: 1,
  stream: 'pledge',
  description: 'The filed pledge was made public (在政务网上公开).',
  schema: z.object({ pledgeId: id }),
});

export const PledgeProgressReported = defineContract({
  context: 'evaluation',
  name: 'PledgeProgressReported',
  version: 1,
  stream: 'pledge',
  description: 'The pledger reported progress (践诺).',
  schema: z.object({
    pledgeId: id,
    note: z.string().min(1).max(2000),
    percent: z.int().min(0).max(100),
  }),
});

export const PledgeFulfilled = defineContract({
  context: 'evaluation',
  name: 'PledgeFulfilled',
  version: 1,
  stream: 'pledge',
  description: 'The level that filed the pledge accepted it as fulfilled.',
  schema: z.object({ pledgeId: id, decision: decisionSchema }),
});

export const PledgeLapsed = defineContract({
  context: 'evaluation',
  name: 'PledgeLapsed',
  version: 1,
  stream: 'pledge',
  description: 'The pledge was not kept; the reason is recorded.',
  schema: z.object({ pledgeId: id, decision: decisionSchema }),
});

export const ratingTallySchema = z.object({
  satisfied: z.int().min(0),
  basicallySatisfied: z.int().min(0),
  dissatisfied: z.int().min(0),
});

export type RatingTally = z.infer<typeof ratingTallySchema>;

export const PledgeRated = defineContract({
  context: 'evaluation',
  name: 'PledgeRated',
  version: 1,
  stream: 'pledge',
  description: 'The masses rated the kept or lapsed pledge (评诺); the satisfaction rate is in per mille.',
  schema: z.object({
    pledgeId: id,
    tally: ratingTallySchema,
    satisfactionPermille: z.int().min(0).max(1000),
    decision: decisionSchema,
  }),
});

export const pledgeContracts = [
  PledgeMade,
  PledgeAmended,
  PledgeFiled,
  PledgeReturned,
  PledgePublished,
  PledgeProgressReported,
  PledgeFulfilled,
  PledgeLapsed,
  PledgeRated,
] as const;
