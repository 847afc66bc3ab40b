import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { decidedBySchema, decisionSchema } from './decision';
import { ratingTallySchema } from './pledge.contracts';

// 群众评议 / 满意度测评: a window for an organisation or a member, a stated number of eligible
// voters who each get a one-time code, anonymous ballots, a published satisfaction rate.
// The stream, `mass-evaluation-<id>`, never holds a ballot or a code: ballots sit in an
// unordered ballot box outside the stream and only their tally is recorded (libs/evaluation-domain README).

const id = z.uuid();

export const MassEvaluationOpened = defineContract({
  context: 'evaluation',
  name: 'MassEvaluationOpened',
  version: 1,
  stream: 'mass-evaluation',
  description: 'A mass-evaluation window opened for an organisation or a member, with the number of eligible voters.',
  schema: z.object({
    windowId: id,
    subject: z.object({ kind: z.enum(['organization', 'member']), id }),
    orgId: id,
    cycleId: id.nullable(),
    eligibleVoters: z.int().min(1).max(100_000),
    opensOn: daySchema,
    closesOn: daySchema,
  }),
});

export const MassEvaluationClosed = defineContract({
  context: 'evaluation',
  name: 'MassEvaluationClosed',
  version: 1,
  stream: 'mass-evaluation',
  description: 'The window closed with its tally and satisfaction rate (per mille), computed by a versioned rule.',
  schema: z.object({
    windowId: id,
    tally: ratingTallySchema,
    ballotsCast: z.int().min(0),
    satisfactionPermille: z.int().min(0).max(1000).nullable().describe('null when no ballot was cast'),
    decision: decisionSchema,
  }),
});

export const MassEvaluationPublished = defineContract({
  context: 'evaluation',
  name: 'MassEvaluationPublished',
  version: 1,
  stream: 'mass-evaluation',
  description: 'The result was made public (评议结果公开).',
  schema: z.object({ windowId: id }),
});

export const BallotCodesIssued = defineContract({
  context: 'evaluation',
  name: 'BallotCodesIssued',
  version: 1,
  stream: 'mass-evaluation',
  description:
    'A batch of one-time codes was handed out (发放投票码): who issued it, in which role and organisation, and how many — never the codes.',
  schema: z.object({
    windowId: id,
    count: z.int().min(1).max(100_000),
    issuedInAll: z.int().min(1).max(100_000).describe('codes issued for the window so far, this batch included'),
    issuedBy: decidedBySchema,
  }),
});

export const massEvaluationContracts = [MassEvaluationOpened, BallotCodesIssued, MassEvaluationClosed, MassEvaluationPublished] as const;
