import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../ports/actor';
import type { ContactPointView, Page, PageRequest } from '../../ports/organization-read-model.port';

export class ListContactPointsQuery extends Query<Page<ContactPointView>> {
  constructor(
    readonly actor: Actor,
    /** `withoutVisitInLastMonth`: contact points not visited in the last month (at least one visit a month is expected). */
    readonly filter: { subtreeOf?: string; withoutVisitInLastMonth?: boolean },
    readonly page: PageRequest,
  ) {
    super();
  }
}
