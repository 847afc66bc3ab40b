import { Query } from '@nestjs/cqrs';
import type { ProbationStanding } from '../../../domain/member/probation';
import type { Actor } from '../../ports/actor';
import type { MemberFilter, MemberView, Page, PageRequest } from '../../ports/organization-read-model.port';

export type ListMembersFilter = Partial<Pick<MemberFilter, 'subtreeOf' | 'status' | 'role' | 'membership'>> & {
  /** Probationary members due for 转正 today, or past their extension (ADR 0154). */
  readonly probation?: ProbationStanding;
};

export class ListMembersQuery extends Query<Page<MemberView>> {
  constructor(
    readonly actor: Actor,
    readonly filter: ListMembersFilter,
    readonly page: PageRequest,
  ) {
    super();
  }
}
