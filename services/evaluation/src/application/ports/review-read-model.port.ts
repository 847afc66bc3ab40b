import type { ContractData, PeerBallotsTallied } from '@vanguard/contracts';

export const REVIEW_READ_MODEL = Symbol('REVIEW_READ_MODEL');

export interface ReviewView {
  readonly memberId: string;
  readonly year: number;
  readonly orgId: string;
  /** self_assessed → tallied → concluded → approved (back to tallied when returned). */
  readonly status: string;
  readonly tally: ContractData<typeof PeerBallotsTallied>['tally'] | null;
  /** The ballots on the five models (五个模范) when the branch counted them; null otherwise. */
  readonly criteria: NonNullable<ContractData<typeof PeerBallotsTallied>['criteria']> | null;
  /** The branch's conclusion while pending or approved; null before it and after a return. */
  readonly grade: string | null;
  readonly approved: boolean;
  readonly returnedCount: number;
  /** The stream version this row reflects. */
  readonly version: number;
}

export interface ReviewReadModelPort {
  get(memberId: string, year: number): Promise<ReviewView | null>;
  list(q: {
    subtreeOf: string;
    year: number;
    status?: string;
    limit: number;
    offset: number;
  }): Promise<{ items: ReviewView[]; total: number }>;
}
