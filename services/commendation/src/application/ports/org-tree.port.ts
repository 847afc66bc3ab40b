export const ORG_TREE = Symbol('ORG_TREE');

/** An organisation as the tree copy holds it. */
export interface OrgNode {
  readonly id: string;
  readonly name: string;
  readonly level: 'province' | 'city' | 'county' | 'township' | 'village';
  /** Ids from the root down to the organisation itself. */
  readonly path: readonly string[];
  /** The copy's version of the organisation (its own event stream's), recorded as `organization-<id>` (ADR 0032). */
  readonly version: number;
}

/** The service's copy of the organisation tree (fed from organization events). */
export interface OrgTreePort {
  /** Ids from the root down to `orgId`, or null when the copy does not know it (yet). */
  pathOf(orgId: string): Promise<readonly string[] | null>;
  /** The active organisations named, those the copy knows. */
  nodes(orgIds: readonly string[]): Promise<ReadonlyMap<string, OrgNode>>;
  /** Whether the caller's organisation holds `orgId` (it or an ancestor of it). */
  isWithin(principalOrgId: string | undefined, orgId: string): boolean;
}
