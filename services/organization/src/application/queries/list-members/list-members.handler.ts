import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { joiningDaysIn } from '../../../domain/member/probation';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ORGANIZATION_READ_MODEL, type OrganizationReadModel, type MemberView, type Page } from '../../ports/organization-read-model.port';
import { scopedRoot } from '../scoped-reads';
import { ListMembersQuery } from './list-members.query';

@QueryHandler(ListMembersQuery)
export class ListMembersHandler implements IQueryHandler<ListMembersQuery, Page<MemberView>> {
  constructor(
    @Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, filter, page }: ListMembersQuery): Promise<Page<MemberView>> {
    const { probation, ...rest } = filter;
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    if (!probation) return this.readModel.listMembers({ ...rest, ...root }, page);
    // A probation standing is of active probationary members, whom a 转正 could reach: with
    // `status=full` or `membership=left` as well, nobody.
    if (rest.status === 'full' || rest.membership === 'left') return { items: [], nextCursor: null };
    const days = joiningDaysIn(probation, this.clock.today());
    return this.readModel.listMembers(
      { ...rest, ...root, status: 'probationary', joinedOnOrBefore: days.onOrBefore, ...(days.after && { joinedAfter: days.after }) },
      page,
    );
  }
}
