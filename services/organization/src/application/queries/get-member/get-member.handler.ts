import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { MemberNotFoundError } from '../../../domain/member/member.errors';
import { ORGANIZATION_READ_MODEL, type OrganizationReadModel, type MemberDetailView } from '../../ports/organization-read-model.port';
import { visibleOrganization } from '../scoped-reads';
import { GetMemberQuery } from './get-member.query';

@QueryHandler(GetMemberQuery)
export class GetMemberHandler implements IQueryHandler<GetMemberQuery, MemberDetailView> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, id }: GetMemberQuery): Promise<MemberDetailView> {
    const member = await this.readModel.findMember(id);
    if (!member) throw new MemberNotFoundError(id);
    await visibleOrganization(this.readModel, actor, member.orgId);
    return member;
  }
}
