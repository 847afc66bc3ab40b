import type { Decision } from '@vanguard/contracts';

/** Who took a decision, in which role, for which organisation: recorded on every decision event. */
export type DecidedBy = Decision['decidedBy'];

/**
 * Whether `decidedBy` acts for the organisation `orgId` itself (for its own record or its
 * member's), not for a level above or beside it; null (nothing recorded yet) is no one's.
 */
export function actsFor(orgId: string | null, decidedBy: DecidedBy): boolean {
  return orgId !== null && decidedBy.orgId === orgId;
}
