import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  ORGANIZATION_READ_MODEL,
  type OrganizationReadModel,
  type OrganizationView,
  type Page,
} from '../../ports/organization-read-model.port';
import { scopedRoot } from '../scoped-reads';
import { ListOrganizationsQuery } from './list-organizations.query';

@QueryHandler(ListOrganizationsQuery)
export class ListOrganizationsHandler implements IQueryHandler<ListOrganizationsQuery, Page<OrganizationView>> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, filter, page }: ListOrganizationsQuery): Promise<Page<OrganizationView>> {
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    return this.readModel.listOrganizations({ ...filter, ...root }, page);
  }
}
