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
  streamId: z.string().min(1).max(200),
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
  reason: z.string().max(2000).describe('why; required where the outcome is a refusal, return or lapse'),
});

export type Decision = z.infer<typeof decisionSchema>;
