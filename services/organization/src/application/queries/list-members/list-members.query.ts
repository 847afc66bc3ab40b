import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../ports/actor';
import type { MemberFilter, MemberView, Page, PageRequest } from '../../ports/organization-read-model.port';

export class ListMembersQuery extends Query<Page<MemberView>> {
  constructor(
    readonly actor: Actor,
    readonly filter: Partial<MemberFilter>,
    readonly page: PageRequest,
  ) {
    super();
  }
}
