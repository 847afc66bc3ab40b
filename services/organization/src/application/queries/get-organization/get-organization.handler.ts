import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ORGANIZATION_READ_MODEL, type OrganizationReadModel, type OrganizationView } from '../../ports/organization-read-model.port';
import { visibleOrganization } from '../scoped-reads';
import { GetOrganizationQuery } from './get-organization.query';

@QueryHandler(GetOrganizationQuery)
export class GetOrganizationHandler implements IQueryHandler<GetOrganizationQuery, OrganizationView> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  execute({ actor, id }: GetOrganizationQuery): Promise<OrganizationView> {
    return visibleOrganization(this.readModel, actor, id);
  }
}
