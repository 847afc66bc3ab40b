import type { DescendantCodes, Organization, SubtreeCensus } from '../../domain/organization/organization.aggregate';
import type { ScopeFacts } from '../scope/access-scope';

export const ORGANIZATION_REPOSITORY = Symbol('OrganizationRepository');

export type RowLock = 'update' | 'share';

export interface OrganizationRepository extends ScopeFacts {
  /**
   * Inside a unit of work the row is locked until it ends: `update` (default) to change it,
   * `share` to rely on it (active, in scope) while others may rely on it too — commands that
   * only read an organisation must not queue behind each other on its row.
   */
  findById(id: string, lock?: RowLock): Promise<Organization | null>;
  findByCode(code: string): Promise<Organization | null>;
  /** Inserts or updates; a move rewrites the descendants' paths and codes too. Throws OrganizationCodeTakenError on a duplicate code. */
  save(org: Organization): Promise<void>;
  census(id: string): Promise<SubtreeCensus>;
  /**
   * Locks every organisation below `id` for the rest of the unit of work (ADR 0092) and tells the
   * codes a move must check: once held, nothing can be added below or renumbered until it ends.
   */
  lockSubtree(id: string): Promise<DescendantCodes>;
  /**
   * Locks (for update) the organisations `ids` and every organisation in the subtree of
   * `subtreeOf`, itself included, all in id order: the order a merge takes its two (ADR 0129), so
   * a command that changes a subtree cannot wait for a merge that waits for it. Unknown ids lock nothing.
   */
  lockInIdOrder(ids: readonly string[], subtreeOf: string): Promise<void>;
}
