/**
 * The one scope rule (ADR 0010), shared by every service's ScopeService and the
 * organization service's own checks, so "who may act on which organisation" cannot mean
 * two things. It reads organisations through `nodeOf`, whatever holds them (an in-memory
 * copy of the tree, or rows just loaded from the organization service's own table).
 */
export interface ScopeNode {
  readonly parentId: string | null;
  readonly status: string;
  readonly mergedIntoId: string | null;
}

/** An organisation by id, or undefined when it is not known (fail closed). */
export type ScopeNodes = (id: string) => ScopeNode | undefined;

/** Deeper than any real tree (province → … → branch is 6–7): stops a corrupted cycle. */
const MAX_DEPTH = 64;

/** True when `orgId` is `ancestorId` or lies below it (a merged organisation lies below its survivor). */
export function isBelowOrSame(orgId: string, ancestorId: string, nodeOf: ScopeNodes): boolean {
  let current: string | null | undefined = orgId;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    if (current === ancestorId) return true;
    const node = nodeOf(current);
    current = node?.status === 'merged' && node.mergedIntoId ? node.mergedIntoId : node?.parentId;
  }
  return false;
}

/**
 * A principal acts inside the subtree of the organisation in its token (`org_id`). A token
 * without one, or naming an organisation that is unknown or has ceased (dissolved, merged),
 * grants no scope at all.
 */
export function isWithinScope(principalOrgId: string | undefined, orgId: string, nodeOf: ScopeNodes): boolean {
  if (principalOrgId === undefined || nodeOf(principalOrgId)?.status !== 'active') return false;
  return isBelowOrSame(orgId, principalOrgId, nodeOf);
}
