import type { MemberRole, MemberStatus, Membership, VanguardPost } from '../../domain/member/member.vocabulary';
import type { OrgKind, OrgLevel, OrgStatus, Sector } from '../../domain/organization/organization.vocabulary';
import type { TransferStatus } from '../../domain/transfer/member-transfer.aggregate';
import type { ScopeFacts } from '../scope/access-scope';

export const ORGANIZATION_READ_MODEL = Symbol('OrganizationReadModel');

export interface OrganizationView {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly level: OrgLevel;
  readonly kind: OrgKind;
  readonly sector: Sector;
  readonly parentId: string | null;
  /** Ids root → self. */
  readonly path: readonly string[];
  readonly establishedOn: string;
  readonly temporary: boolean;
  readonly status: OrgStatus;
  readonly mergedIntoId: string | null;
}

export interface MemberView {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly status: MemberStatus;
  readonly joinedOn: string;
  readonly roles: readonly MemberRole[];
  readonly posts: readonly VanguardPost[];
  readonly membership: Membership;
  readonly idNumberMasked: string | null;
  readonly phoneMasked: string | null;
}

export interface MemberDetailView extends MemberView {
  readonly history: readonly { on: string; kind: string; orgId: string; detail: string | null }[];
}

export interface TransferView {
  readonly id: string;
  readonly memberId: string;
  readonly memberName: string;
  readonly fromOrgId: string;
  readonly toOrgId: string;
  readonly requestedOn: string;
  readonly deadline: string;
  readonly status: TransferStatus;
  readonly decidedOn: string | null;
  readonly completedOn: string | null;
  readonly cancelledOn: string | null;
  readonly reason: string | null;
}

export interface ContactPointView {
  readonly id: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly leaderId: string;
  readonly leaderName: string;
  readonly establishedOn: string;
  readonly lastVisitOn: string | null;
  readonly visitCount: number;
}

export interface VisitView {
  readonly id: string;
  readonly visitedOn: string;
  readonly visited: string;
  readonly solved: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface OrganizationFilter {
  /** Only this organisation and everything below it. */
  readonly subtreeOf: string;
  /** The root's path when the caller already has it (saves a round trip). */
  readonly subtreePath?: readonly string[];
  readonly level?: OrgLevel;
  readonly sector?: Sector;
  readonly status?: OrgStatus;
  readonly kind?: OrgKind;
  readonly parentId?: string;
}

export interface MemberFilter {
  readonly subtreeOf: string;
  readonly subtreePath?: readonly string[];
  readonly status?: MemberStatus;
  readonly role?: MemberRole;
  readonly membership?: Membership;
  /** Joining days, inclusive and exclusive: a probation standing's (`joiningDaysIn`). */
  readonly joinedOnOrBefore?: string;
  readonly joinedAfter?: string;
}

export interface PageRequest {
  readonly cursor?: string;
  readonly limit: number;
}

/** The query side: plain SQL over the same tables, returning views, never aggregates. */
export interface OrganizationReadModel extends ScopeFacts {
  findOrganization(id: string): Promise<OrganizationView | null>;
  listOrganizations(filter: OrganizationFilter, page: PageRequest): Promise<Page<OrganizationView>>;
  ancestorsOf(id: string): Promise<OrganizationView[]>;
  findMember(id: string): Promise<MemberDetailView | null>;
  listMembers(filter: MemberFilter, page: PageRequest): Promise<Page<MemberView>>;
  findTransfer(id: string): Promise<TransferView | null>;
  listTransfers(
    filter: { subtreeOf: string; subtreePath?: readonly string[]; overdueOn?: string; status?: TransferStatus },
    page: PageRequest,
  ): Promise<Page<TransferView>>;
  findContactPoint(id: string): Promise<(ContactPointView & { visits: VisitView[] }) | null>;
  /** With `notVisitedSince`, only contact points whose last visit (if any) is before that day. */
  listContactPoints(
    filter: { subtreeOf: string; subtreePath?: readonly string[]; notVisitedSince?: string },
    page: PageRequest,
  ): Promise<Page<ContactPointView>>;
}
