import { ContactPointNotFoundError } from '../../domain/contact-point/contact-point.errors';
import type { ContactPoint } from '../../domain/contact-point/contact-point.aggregate';
import type { Member } from '../../domain/member/member.aggregate';
import { MemberNotFoundError } from '../../domain/member/member.errors';
import type { Organization } from '../../domain/organization/organization.aggregate';
import { OrganizationNotFoundError } from '../../domain/organization/organization.errors';
import type { MemberTransfer } from '../../domain/transfer/member-transfer.aggregate';
import { TransferNotFoundError } from '../../domain/transfer/member-transfer.errors';
import type { ContactPointRepository } from '../ports/contact-point.repository.port';
import type { MemberTransferRepository } from '../ports/member-transfer.repository.port';
import type { MemberRepository } from '../ports/member.repository.port';
import type { OrganizationRepository, RowLock } from '../ports/organization.repository.port';
import { assertWithinScope } from '../scope/access-scope';

export async function loadOrganization(repo: OrganizationRepository, id: string, lock: RowLock = 'update'): Promise<Organization> {
  const org = await repo.findById(id, lock);
  if (!org) throw new OrganizationNotFoundError(id);
  return org;
}

/**
 * Organisations a command changes together, locked in id order whatever order it names them
 * in: A→B and B→A at once would otherwise each hold one row and wait for the other.
 */
export async function loadOrganizationsInLockOrder(
  repo: OrganizationRepository,
  ids: readonly [string, string],
): Promise<[Organization, Organization]> {
  const byId = new Map<string, Organization>();
  for (const id of [...new Set(ids)].sort()) byId.set(id, await loadOrganization(repo, id));
  return [byId.get(ids[0])!, byId.get(ids[1])!];
}

export async function loadMember(repo: MemberRepository, id: string): Promise<Member> {
  const m = await repo.findById(id);
  if (!m) throw new MemberNotFoundError(id);
  return m;
}

export async function loadTransfer(repo: MemberTransferRepository, id: string): Promise<MemberTransfer> {
  const t = await repo.findById(id);
  if (!t) throw new TransferNotFoundError(id);
  return t;
}

export async function loadContactPoint(repo: ContactPointRepository, id: string): Promise<ContactPoint> {
  const cp = await repo.findById(id);
  if (!cp) throw new ContactPointNotFoundError(id);
  return cp;
}

/** A member to change, refused unless their organisation lies inside the caller's subtree. */
export async function loadMemberInScope(
  members: MemberRepository,
  organizations: OrganizationRepository,
  memberId: string,
  actor: Parameters<typeof assertWithinScope>[0],
): Promise<Member> {
  const member = await loadMember(members, memberId);
  // Shared: the member's row is the one locked for the change; the organisation is only relied on.
  const org = await loadOrganization(organizations, member.orgId, 'share');
  await assertWithinScope(actor, org, organizations);
  return member;
}
