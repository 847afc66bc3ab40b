import { z } from 'zod';
import { defineContract } from '../contract';
import type { EventEnvelope } from '../envelope';
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
    issuedInAll: z
      .int()
      .min(1)
      .max(100_000)
      .describe('codes counting against the eligible voters after this batch: issued so far, less any voided (BallotCodesVoided)'),
    issuedBy: decidedBySchema,
  }),
});

export const BallotCodesVoided = defineContract({
  context: 'evaluation',
  name: 'BallotCodesVoided',
  version: 1,
  stream: 'mass-evaluation',
  description:
    'The codes of a batch whose answer never left the service (the issuer hung up first, or an error was sent instead) were voided (作废未送达的投票码), so they no longer count against the eligible voters — never the codes.',
  schema: z.object({
    windowId: id,
    count: z.int().min(1).max(100_000).describe('codes voided: the whole batch, none of which anyone could hold'),
    issuedInAll: z.int().min(0).max(100_000).describe('codes counting against the eligible voters after the void'),
    voidedBy: decidedBySchema.describe('who issued the batch: the void follows their answer, which was not delivered'),
    reason: z.enum(['answer-not-delivered']),
  }),
});

// v2 of the two decisions that recorded no provenance in v1 (issue 10): opening a window and
// publishing its result now say who decided, in which role and organisation, on which inputs,
// by which rule, and why. v1 stays registered; `upcastMassEvaluationEvent` reads a v1 as v2.

export const MassEvaluationOpenedV2 = defineContract({
  context: 'evaluation',
  name: 'MassEvaluationOpened',
  version: 2,
  stream: 'mass-evaluation',
  description:
    'A mass-evaluation window opened for an organisation or a member, with the number of eligible voters; the decision says who opened it and by which rule (v2).',
  schema: MassEvaluationOpened.schema.extend({ decision: decisionSchema }),
});

export const MassEvaluationPublishedV2 = defineContract({
  context: 'evaluation',
  name: 'MassEvaluationPublished',
  version: 2,
  stream: 'mass-evaluation',
  description: 'The result was made public (评议结果公开): who published it, the window version read, the rule and the reason (v2).',
  schema: z.object({ windowId: id, decision: decisionSchema }),
});

export const massEvaluationContracts = [
  MassEvaluationOpened,
  MassEvaluationOpenedV2,
  BallotCodesIssued,
  BallotCodesVoided,
  MassEvaluationClosed,
  MassEvaluationPublished,
  MassEvaluationPublishedV2,
] as const;

/** The role a v1 event's actor decided in: the first deciding role it holds, in the order the service records them. */
const V1_DECIDING_ROLES = ['branch_secretary', 'organizer', 'evaluator', 'admin'];

/**
 * Upcaster v1 → v2 for `MassEvaluationOpened` and `MassEvaluationPublished`; any other envelope
 * comes back unchanged. A v1 event recorded no decision, but its envelope recorded the actor, so
 * the decision is read from there — never invented: `decidedBy` is the envelope's actor (its
 * organisation, else the event's scope), the input is the window's stream just before the
 * event, the rule is the one every such v1 event passed (dates for an opening, closed-before-
 * publish for a publication), and the reason says it was read from a v1 envelope.
 */
export function upcastMassEvaluationEvent<E extends EventEnvelope>(e: E): E {
  const opened = e.type === MassEvaluationOpened.type;
  if (e.version !== 1 || (!opened && e.type !== MassEvaluationPublished.type)) return e;
  const role = V1_DECIDING_ROLES.find((r) => e.actor.roles.includes(r)) ?? e.actor.roles[0] ?? 'unknown';
  const decision = {
    decidedBy: { sub: e.actor.sub, role, orgId: e.actor.orgId ?? e.orgId },
    inputs: opened ? [] : [{ streamId: e.streamId, version: e.streamVersion - 1 }],
    rule: opened ? { id: 'evaluation.mass-evaluation.dates', version: 1 } : { id: 'evaluation.mass-evaluation.publish-closed', version: 1 },
    reason: '记录于 v1：决定者取自事件信封 / recorded as v1: who decided is read from the envelope',
  };
  // A v1 row that carries a decision anyway (written by code that already decided with one) keeps it.
  const data = e.data as Record<string, unknown>;
  return { ...e, version: 2, data: { ...data, decision: data['decision'] ?? decision } };
}

/**
 * Every reader of the evaluation store reads old versions through these, as the event store's
 * `upcasters` option takes them (the evaluation service, and the audit service that replays it):
 * one list, so the two cannot drift. Stored rows never change: they are hashed.
 */
export const evaluationUpcasters: readonly {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: unknown, event: EventEnvelope): unknown;
}[] = [MassEvaluationOpened, MassEvaluationPublished].map((c) => ({
  type: c.type,
  fromVersion: 1,
  upcast: (_data: unknown, event: EventEnvelope) => upcastMassEvaluationEvent(event).data,
}));
