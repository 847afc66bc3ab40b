import { z } from 'zod';

/**
 * What every evaluation decision records so it explains itself (issue 10): who decided, in
 * which role, for which organisation; the inputs it read (streams at their versions, tallies,
 * scores); the rule and its version; the reason. Replaying the inputs with that rule version
 * gives the recorded outcome.
 */
export const decidedBySchema = z.object({
  sub: z.string().min(1).max(200).describe('Keycloak subject or county client id'),
  role: z.string().min(1).max(50).describe('the role the decision was taken in'),
  orgId: z.uuid().describe('the organisation the decider acted for'),
});

export const decisionInputSchema = z.object({
  streamId: z
    .string()
    .min(1)
    .max(200)
    .describe(
      'a stream read; `organization-<id>` entries, in order, are the organisation path the decision checked (root first), each at the tree copy’s version of it',
    ),
  version: z.int().min(0).describe('the stream version that was read'),
});

export const ruleRefSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'dotted lower-case rule id'),
  version: z.int().min(1),
});

export const decisionSchema = z.object({
  decidedBy: decidedBySchema,
  inputs: z.array(decisionInputSchema).max(100),
  rule: ruleRefSchema,
  checks: z
    .array(ruleRefSchema)
    .max(20)
    .optional()
    .describe('further versioned rules the decision passed (who may decide, …), each at the version run; a replay runs these versions too'),
  reason: z.string().max(2000).describe('why; required where the outcome is a refusal, return or lapse'),
});

export type Decision = z.infer<typeof decisionSchema>;
