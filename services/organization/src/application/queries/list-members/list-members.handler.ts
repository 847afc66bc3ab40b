import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ORGANIZATION_READ_MODEL, type OrganizationReadModel, type MemberView, type Page } from '../../ports/organization-read-model.port';
import { scopedRoot } from '../scoped-reads';
import { ListMembersQuery } from './list-members.query';

@QueryHandler(ListMembersQuery)
export class ListMembersHandler implements IQueryHandler<ListMembersQuery, Page<MemberView>> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, filter, page }: ListMembersQuery): Promise<Page<MemberView>> {
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    return this.readModel.listMembers({ ...filter, ...root }, page);
  }
}
