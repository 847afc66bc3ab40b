import type { DrawCandidate } from '@vanguard/evaluation-domain';

export const INSPECTION_CANDIDATES = Symbol('INSPECTION_CANDIDATES');

/** What a random inspection draws from: the active organisations below a scope, each at the tree copy's version. */
export interface InspectionCandidatesPort {
  /** Strictly below `scopeOrgId`, of `level` if given (e.g. only villages); at most `limit`, in any order. */
  under(scopeOrgId: string, level: string | undefined, limit: number): Promise<DrawCandidate[]>;
}
