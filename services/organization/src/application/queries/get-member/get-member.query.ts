import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../ports/actor';
import type { MemberDetailView } from '../../ports/organization-read-model.port';

export class GetMemberQuery extends Query<MemberDetailView> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
  ) {
    super();
  }
}
