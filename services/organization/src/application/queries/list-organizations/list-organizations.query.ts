import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../ports/actor';
import type { OrganizationFilter, OrganizationView, Page, PageRequest } from '../../ports/organization-read-model.port';

export class ListOrganizationsQuery extends Query<Page<OrganizationView>> {
  constructor(
    readonly actor: Actor,
    /** `subtreeOf` defaults to the caller's own organisation. */
    readonly filter: Partial<OrganizationFilter>,
    readonly page: PageRequest,
  ) {
    super();
  }
}
