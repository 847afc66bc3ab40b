import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { decisionSchema } from './decision';

// 领导点评 (seed 004): a leader of an ancestor organisation, or the organisation's contact-point
// leader, comments on an organisation in one of five forms; each finding (查找问题) carries a
// rectification (整改措施) with a deadline (限期整改), tracked to done or overdue. One stream
// per comment, `comment-<id>`.

const id = z.uuid();

export const commentFormSchema = z.enum(['meeting', 'talk', 'on_site', 'written', 'random']);

export const findingSchema = z.object({
  findingId: id,
  problem: z.string().min(1).max(1000).describe('the shortcoming found'),
  rectification: z.string().min(1).max(1000).describe('the measure ordered'),
  deadline: daySchema,
});

export const LeaderCommentMade = defineContract({
  context: 'evaluation',
  name: 'LeaderCommentMade',
  version: 1,
  stream: 'comment',
  description: 'A leader commented on an organisation (领导点评), with findings and their rectification deadlines.',
  schema: z.object({
    commentId: id,
    orgId: id.describe('the organisation commented on'),
    cycleId: id.nullable(),
    form: commentFormSchema,
    madeOn: daySchema,
    summary: z.string().min(1).max(4000),
    findings: z.array(findingSchema).max(50),
    decision: decisionSchema.describe('who commented, by which right (ancestor leader or contact point)'),
  }),
});

export const RectificationCompleted = defineContract({
  context: 'evaluation',
  name: 'RectificationCompleted',
  version: 1,
  stream: 'comment',
  description: 'A finding was rectified; the check is recorded with who confirmed it and whether it was on time.',
  schema: z.object({ commentId: id, findingId: id, completedOn: daySchema, onTime: z.boolean(), decision: decisionSchema }),
});

export const RectificationOverdue = defineContract({
  context: 'evaluation',
  name: 'RectificationOverdue',
  version: 1,
  stream: 'comment',
  description: 'A rectification passed its deadline undone (marked once, by the daily check).',
  schema: z.object({ commentId: id, findingId: id, deadline: daySchema, markedOn: daySchema }),
});

/**
 * 群众评议提出的问题: after a mass-evaluation window closes, its organiser records the problems the
 * masses raised as findings, each with a rectification and a deadline. They open a findings stream of
 * the comment category keyed by the window (`comment-<windowId>`), so their rectifications are
 * completed, marked overdue and listed exactly as a leader comment's are (ADR 0031).
 */
export const MassEvaluationFindingsRecorded = defineContract({
  context: 'evaluation',
  name: 'MassEvaluationFindingsRecorded',
  version: 1,
  stream: 'comment',
  description:
    'Problems raised in a closed mass evaluation recorded as findings with rectifications and deadlines (群众评议问题整改), by the organiser, with the window read.',
  schema: z.object({
    commentId: id.describe('the findings stream’s id: the window’s id'),
    windowId: id,
    orgId: id.describe('the organisation that rectifies: the one evaluated, or the member’s'),
    memberId: id.nullable().describe('the member evaluated, or null for an organisation'),
    recordedOn: daySchema,
    summary: z.string().min(1).max(4000),
    findings: z.array(findingSchema).min(1).max(50),
    decision: decisionSchema.describe('who recorded them, the window stream at the version read, the organiser rule'),
  }),
});

export const commentContracts = [LeaderCommentMade, RectificationCompleted, RectificationOverdue, MassEvaluationFindingsRecorded] as const;
