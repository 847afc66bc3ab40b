import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../ports/actor';
import type { OrganizationView } from '../../ports/organization-read-model.port';

export class GetAncestorsQuery extends Query<OrganizationView[]> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
  ) {
    super();
  }
}
