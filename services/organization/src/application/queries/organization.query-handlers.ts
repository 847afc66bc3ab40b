import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ContactPointNotFoundError } from '../../domain/contact-point/contact-point.errors';
import { MemberNotFoundError } from '../../domain/member/member.errors';
import { OrganizationNotFoundError } from '../../domain/organization/organization.errors';
import { addDays } from '../../domain/shared/day';
import { TransferNotFoundError } from '../../domain/transfer/member-transfer.errors';
import type { Actor } from '../ports/actor';
import { CLOCK, type Clock } from '../ports/clock.port';
import {
  ORGANIZATION_READ_MODEL,
  type ContactPointView,
  type MemberDetailView,
  type MemberView,
  type OrganizationReadModel,
  type OrganizationView,
  type Page,
  type TransferView,
  type VisitView,
} from '../ports/organization-read-model.port';
import { OutOfScopeError } from '../scope/out-of-scope.error';
import { assertWithinScope, isWithinScope } from '../scope/access-scope';
import {
  GetAncestorsQuery,
  GetContactPointQuery,
  GetMemberQuery,
  GetOrganizationQuery,
  GetTransferQuery,
  ListContactPointsQuery,
  ListMembersQuery,
  ListOrganizationsQuery,
  ListTransfersQuery,
} from './organization.queries';

/** Resolves the subtree a listing runs over: the caller's organisation unless a narrower one is asked for. */
async function scopedRoot(readModel: OrganizationReadModel, actor: Actor, requested: string | undefined): Promise<{ subtreeOf: string; subtreePath: readonly string[] }> {
  const rootId = requested ?? actor.orgId;
  if (!rootId) throw new OutOfScopeError('(none)');
  const root = await readModel.findOrganization(rootId);
  if (!root) throw new OrganizationNotFoundError(rootId);
  assertWithinScope(actor, root.id, root.path);
  return { subtreeOf: root.id, subtreePath: root.path };
}

async function visibleOrganization(readModel: OrganizationReadModel, actor: Actor, id: string): Promise<OrganizationView> {
  const org = await readModel.findOrganization(id);
  if (!org) throw new OrganizationNotFoundError(id);
  assertWithinScope(actor, org.id, org.path);
  return org;
}

@QueryHandler(GetOrganizationQuery)
export class GetOrganizationHandler implements IQueryHandler<GetOrganizationQuery, OrganizationView> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  execute({ actor, id }: GetOrganizationQuery): Promise<OrganizationView> {
    return visibleOrganization(this.readModel, actor, id);
  }
}

@QueryHandler(ListOrganizationsQuery)
export class ListOrganizationsHandler implements IQueryHandler<ListOrganizationsQuery, Page<OrganizationView>> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, filter, page }: ListOrganizationsQuery): Promise<Page<OrganizationView>> {
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    return this.readModel.listOrganizations({ ...filter, ...root }, page);
  }
}

@QueryHandler(GetAncestorsQuery)
export class GetAncestorsHandler implements IQueryHandler<GetAncestorsQuery, OrganizationView[]> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, id }: GetAncestorsQuery): Promise<OrganizationView[]> {
    await visibleOrganization(this.readModel, actor, id);
    return this.readModel.ancestorsOf(id);
  }
}

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

@QueryHandler(ListMembersQuery)
export class ListMembersHandler implements IQueryHandler<ListMembersQuery, Page<MemberView>> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, filter, page }: ListMembersQuery): Promise<Page<MemberView>> {
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    return this.readModel.listMembers({ ...filter, ...root }, page);
  }
}

@QueryHandler(GetTransferQuery)
export class GetTransferHandler implements IQueryHandler<GetTransferQuery, TransferView> {
  constructor(@Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel) {}
  async execute({ actor, id }: GetTransferQuery): Promise<TransferView> {
    const t = await this.readModel.findTransfer(id);
    if (!t) throw new TransferNotFoundError(id);
    const [from, to] = await Promise.all([this.readModel.findOrganization(t.fromOrgId), this.readModel.findOrganization(t.toOrgId)]);
    if (!(from && isWithinScope(actor, from.path)) && !(to && isWithinScope(actor, to.path))) throw new OutOfScopeError(t.id);
    return t;
  }
}

@QueryHandler(ListTransfersQuery)
export class ListTransfersHandler implements IQueryHandler<ListTransfersQuery, Page<TransferView>> {
  constructor(
    @Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, filter, page }: ListTransfersQuery): Promise<Page<TransferView>> {
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    return this.readModel.listTransfers(
      { ...root, ...(filter.status ? { status: filter.status } : {}), ...(filter.overdue ? { overdueOn: this.clock.today() } : {}) },
      page,
    );
  }
}

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

/** At least one visit a month is expected: "without a visit in the last month" means none in the last 30 days. */
export const VISIT_EXPECTED_EVERY_DAYS = 30;

@QueryHandler(ListContactPointsQuery)
export class ListContactPointsHandler implements IQueryHandler<ListContactPointsQuery, Page<ContactPointView>> {
  constructor(
    @Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, filter, page }: ListContactPointsQuery): Promise<Page<ContactPointView>> {
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    const notVisitedSince = filter.withoutVisitInLastMonth ? addDays(this.clock.today(), -VISIT_EXPECTED_EVERY_DAYS) : undefined;
    return this.readModel.listContactPoints({ ...root, ...(notVisitedSince ? { notVisitedSince } : {}) }, page);
  }
}

export const organizationQueryHandlers = [
  GetOrganizationHandler,
  ListOrganizationsHandler,
  GetAncestorsHandler,
  GetMemberHandler,
  ListMembersHandler,
  GetTransferHandler,
  ListTransfersHandler,
  GetContactPointHandler,
  ListContactPointsHandler,
];
