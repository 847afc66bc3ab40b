import { z } from 'zod';
import { orgLevelSchema } from '../organization/vocabulary';

/**
 * What every commendation decision records so it explains itself (issue 11): who decided, in
 * which role, for which organisation; the streams it read at their versions; the rule and its
 * version; the reason. The same shape as evaluation's decision record, declared here so that
 * one context evolving its record (a new optional field, a new description) does not silently
 * change the other's published schemas.
 */
export const commendationDecidedBySchema = z.object({
  sub: z.string().min(1).max(200).describe('Keycloak subject, or the service principal for automatic steps'),
  role: z.string().min(1).max(50).describe('the role the decision was taken in'),
  orgId: z.uuid().describe('the organisation the decider acted for'),
});

export const commendationDecisionInputSchema = z.object({
  streamId: z
    .string()
    .min(1)
    .max(200)
    .describe('a stream read: the decision’s own, the programme’s, the notice’s, an objection’s, or an evaluation stream'),
  version: z.int().min(0).describe('the stream version that was read'),
});

export const commendationRuleRefSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'dotted lower-case rule id'),
  version: z.int().min(1),
});

/**
 * One organisation path a rule checked, root first, as the service's tree copy held it; the
 * version of each organisation read is its `organization-<id>` input (ADR 0032). Levels are
 * recorded where a rule looked at them (ADR 0080): audit reads no tree, so a replay takes them
 * from here or not at all.
 */
export const commendationOrgPathSchema = z.object({
  of: z
    .enum(['nominator', 'nominee', 'awarding-body', 'unit'])
    .describe('whose path: the nominating organisation’s, the nominee’s, the awarding body’s, or the unit’s the places went to'),
  orgs: z
    .array(z.object({ orgId: z.uuid(), level: orgLevelSchema.optional().describe('recorded where a rule looked at it') }))
    .min(1)
    .max(8)
    .describe('root first, the organisation itself last'),
});

/**
 * The most objections a decision records (`objections`): at about 75 bytes each, the event stays
 * small. Objections are rate-limited, not capped, so a decider that finds more records none and a
 * replay names what it then assumes (ADR 0080).
 */
export const MAX_RECORDED_OBJECTIONS = 100;

/** A decision's reason holds at most this many characters (code points, as zod counts). */
export const MAX_DECISION_REASON = 2000;

/**
 * A text as a decision's reason: whole when it fits, else cut to fit with an ellipsis. An
 * objection's findings may run to 8,000 characters (they are in the event whole); copied whole
 * into the reason of its conclusion, the withdrawal and the places released, the three events
 * failed their contract and were never published.
 */
export function decisionReason(text: string): string {
  const points = [...text];
  return points.length <= MAX_DECISION_REASON ? text : `${points.slice(0, MAX_DECISION_REASON - 1).join('')}…`;
}

export const commendationDecisionSchema = z.object({
  decidedBy: commendationDecidedBySchema,
  inputs: z.array(commendationDecisionInputSchema).max(100),
  rule: commendationRuleRefSchema,
  checks: z
    .array(commendationRuleRefSchema)
    .max(30)
    .optional()
    .describe('every other versioned rule the decision passed, each at the version run, so a replay runs the same versions'),
  reason: z.string().max(MAX_DECISION_REASON).describe('why; required for a return, a rejection and a revocation'),
  orgPaths: z
    .array(commendationOrgPathSchema)
    .max(4)
    .optional()
    .describe(
      'the organisation paths the decision’s rules checked, with the levels they looked at (a launch, an allocation, a submission, an assignment); absent on decisions recorded before the field',
    ),
  objections: z
    .array(commendationDecisionInputSchema)
    .max(MAX_RECORDED_OBJECTIONS)
    .optional()
    .describe(
      'a commendation decided: every objection of the programme the decision found, none of them open for this nomination, each at the version read; empty when none was filed; absent on decisions recorded before the field, and when the decision found more than 100 (a replay then names what it assumed)',
    ),
});

export type CommendationDecision = z.infer<typeof commendationDecisionSchema>;
