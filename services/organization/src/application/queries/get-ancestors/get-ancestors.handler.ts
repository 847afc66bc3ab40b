import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ORGANIZATION_READ_MODEL, type OrganizationReadModel, type OrganizationView } from '../../ports/organization-read-model.port';
import { visibleOrganization } from '../scoped-reads';
import { GetAncestorsQuery } from './get-ancestors.query';

@QueryHandler(GetAncestorsQuery)
export class GetAncestorsHandler implements IQueryHandler<GetAncestorsQuery, OrganizationView[]> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, id }: GetAncestorsQuery): Promise<OrganizationView[]> {
    await visibleOrganization(this.readModel, actor, id);
    return this.readModel.ancestorsOf(id);
  }
}
