import { Query } from '@nestjs/cqrs';
import type { TransferStatus } from '../../domain/transfer/member-transfer.aggregate';
import type { Actor } from '../ports/actor';
import type {
  ContactPointView,
  MemberDetailView,
  MemberFilter,
  MemberView,
  OrganizationFilter,
  OrganizationView,
  Page,
  PageRequest,
  TransferView,
  VisitView,
} from '../ports/organization-read-model.port';

// One query per read use case; handlers in ./<name>/ check the caller's scope first.

export class GetOrganizationQuery extends Query<OrganizationView> {
  constructor(readonly actor: Actor, readonly id: string) {
    super();
  }
}

export class ListOrganizationsQuery extends Query<Page<OrganizationView>> {
  constructor(
    readonly actor: Actor,
    /** `subtreeOf` defaults to the caller's own organisation. */
    readonly filter: Partial<OrganizationFilter>,
    readonly page: PageRequest,
  ) {
    super();
  }
}

export class GetAncestorsQuery extends Query<OrganizationView[]> {
  constructor(readonly actor: Actor, readonly id: string) {
    super();
  }
}

export class GetMemberQuery extends Query<MemberDetailView> {
  constructor(readonly actor: Actor, readonly id: string) {
    super();
  }
}

export class ListMembersQuery extends Query<Page<MemberView>> {
  constructor(readonly actor: Actor, readonly filter: Partial<MemberFilter>, readonly page: PageRequest) {
    super();
  }
}

export class GetTransferQuery extends Query<TransferView> {
  constructor(readonly actor: Actor, readonly id: string) {
    super();
  }
}

export class ListTransfersQuery extends Query<Page<TransferView>> {
  constructor(
    readonly actor: Actor,
    readonly filter: { subtreeOf?: string; overdue?: boolean; status?: TransferStatus },
    readonly page: PageRequest,
  ) {
    super();
  }
}

export class GetContactPointQuery extends Query<ContactPointView & { visits: VisitView[] }> {
  constructor(readonly actor: Actor, readonly id: string) {
    super();
  }
}

export class ListContactPointsQuery extends Query<Page<ContactPointView>> {
  constructor(
    readonly actor: Actor,
    /** `withoutVisitInLastMonth`: contact points not visited in the last month (at least one visit a month is expected). */
    readonly filter: { subtreeOf?: string; withoutVisitInLastMonth?: boolean },
    readonly page: PageRequest,
  ) {
    super();
  }
}
