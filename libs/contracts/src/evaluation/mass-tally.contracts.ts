import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { decisionSchema } from './decision';
import { ratingTallySchema } from './pledge.contracts';

// 群众评议 counted on paper elsewhere (a county system's 满意度测评): no window, no codes, no
// ballot box here — only the count as the county reports it. One stream per subject and
// period, `mass-tally-<subjectId>-<period>`, so a later count for the same subject and period
// replaces the earlier one in the stream's fold while every count stays in the trail.

const id = z.uuid();

export const MassEvaluationTallyRecorded = defineContract({
  context: 'evaluation',
  name: 'MassEvaluationTallyRecorded',
  version: 1,
  stream: 'mass-tally',
  description:
    'A mass evaluation (群众评议 / 满意度测评) counted outside the platform (paper ballots of a county system) was recorded: ' +
    'ballots issued and returned, votes per ballot value and the satisfaction rate (per mille) computed by a versioned rule. ' +
    'A later count for the same subject and period replaces the earlier one; an older one is refused. ' +
    'Key: `mass-tally-<subjectId>-<period>`.',
  schema: z.object({
    subject: z.object({ kind: z.enum(['organization', 'member']), id }),
    orgId: id.describe('the organisation evaluated, or the branch of the member evaluated'),
    period: z.string().regex(/^20[0-9]{2}(-Q[1-4])?$/, 'a year YYYY or a quarter YYYY-Qn'),
    heldOn: daySchema,
    ballotsIssued: z.int().min(0),
    ballotsReturned: z.int().min(0),
    tally: ratingTallySchema,
    satisfactionPermille: z.int().min(0).max(1000).nullable().describe('null when no vote was counted'),
    decision: decisionSchema,
  }),
});

export const massTallyContracts = [MassEvaluationTallyRecorded] as const;
