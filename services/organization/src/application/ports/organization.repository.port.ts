import type { Organization, SubtreeCensus } from '../../domain/organization/organization.aggregate';

export const ORGANIZATION_REPOSITORY = Symbol('OrganizationRepository');

export interface OrganizationRepository {
  /** Inside a unit of work the row is locked until it ends. */
  findById(id: string): Promise<Organization | null>;
  findByCode(code: string): Promise<Organization | null>;
  /** Inserts or updates; a move rewrites the descendants' paths and codes too. Throws OrganizationCodeTakenError on a duplicate code. */
  save(org: Organization): Promise<void>;
  census(id: string): Promise<SubtreeCensus>;
}
