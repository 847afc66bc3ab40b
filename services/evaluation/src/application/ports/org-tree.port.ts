import type { OrgPath } from '@vanguard/evaluation-domain';

export const ORG_TREE = Symbol('ORG_TREE');

/** The service's copy of the organisation tree (fed from organization events). */
export interface OrgTreePort {
  /** Ids from the root down to `orgId`, or null when the copy does not know it (yet). */
  pathOf(orgId: string): Promise<readonly string[] | null>;
  /**
   * The same path with the copy's version of each organisation on it, read in one statement,
   * for decisions to record what they checked; null when the copy does not know `orgId` or an
   * organisation above it (yet).
   */
  readPath(orgId: string): Promise<OrgPath | null>;
  /** Whether the caller's organisation holds `orgId` (it or an ancestor of it). */
  isWithin(principalOrgId: string | undefined, orgId: string): boolean;
}
