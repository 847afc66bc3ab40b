import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ContactPointNotFoundError } from '../../../domain/contact-point/contact-point.errors';
import {
  ORGANIZATION_READ_MODEL,
  type OrganizationReadModel,
  type ContactPointView,
  type VisitView,
} from '../../ports/organization-read-model.port';
import { visibleOrganization } from '../scoped-reads';
import { GetContactPointQuery } from './get-contact-point.query';

@QueryHandler(GetContactPointQuery)
export class GetContactPointHandler implements IQueryHandler<GetContactPointQuery, ContactPointView & { visits: VisitView[] }> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, id }: GetContactPointQuery): Promise<ContactPointView & { visits: VisitView[] }> {
    const cp = await this.readModel.findContactPoint(id);
    if (!cp) throw new ContactPointNotFoundError(id);
    await visibleOrganization(this.readModel, actor, cp.orgId);
    return cp;
  }
}
