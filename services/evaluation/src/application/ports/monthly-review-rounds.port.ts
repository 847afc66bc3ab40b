export const MONTHLY_REVIEW_ROUNDS = Symbol('MONTHLY_REVIEW_ROUNDS');

/**
 * Which monthly on-site review rounds (月度观摩点评) ranked a unit in a year: an index only — the
 * assessment folds each round's stream for the figures it records (ADR 0050), so a projection's lag
 * can leave a just-concluded round out, never put wrong figures on the record.
 */
export interface MonthlyReviewRoundsPort {
  /** Round ids whose conclusion ranked `orgId` in a month of `year`, oldest first. */
  rankingRoundsOf(orgId: string, year: string): Promise<string[]>;
}
