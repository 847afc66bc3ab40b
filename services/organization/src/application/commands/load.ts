import { ContactPointNotFoundError } from '../../domain/contact-point/contact-point.errors';
import type { ContactPoint } from '../../domain/contact-point/contact-point.aggregate';
import type { Member } from '../../domain/member/member.aggregate';
import { MemberNotFoundError } from '../../domain/member/member.errors';
import type { Organization } from '../../domain/organization/organization.aggregate';
import { OrganizationNotFoundError } from '../../domain/organization/organization.errors';
import { DomainError } from '../../domain/shared/domain-error';
import type { MemberTransfer } from '../../domain/transfer/member-transfer.aggregate';
import { TransferNotFoundError } from '../../domain/transfer/member-transfer.errors';
import type { ContactPointRepository } from '../ports/contact-point.repository.port';
import type { MemberTransferRepository } from '../ports/member-transfer.repository.port';
import type { MemberRepository } from '../ports/member.repository.port';
import type { OrganizationRepository, RowLock } from '../ports/organization.repository.port';
import type { UnitOfWork } from '../ports/unit-of-work.port';
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

/**
 * The member moved to another organisation (a merge or a transfer committed) while the command
 * waited for the organisation it had read him in. Nothing it did is kept: the command runs again
 * in a new transaction (`againIfTheMemberMoved`; a county roster batch, by its gate); if he keeps
 * moving, the caller is told to retry.
 */
export class MemberMovedMeanwhileError extends DomainError {
  constructor(memberId: string) {
    super(
      'MEMBER.CONCURRENT_MODIFICATION',
      'conflict',
      `党员所在组织刚刚变更，请重试 / the member changed organisation meanwhile; retry: ${memberId}`,
    );
  }
}

/** Runs of a command that locks a member after his organisation, before it gives up on one who keeps moving. */
const RUNS_WHILE_THE_MEMBER_MOVES = 3;

/**
 * `work` as one unit of work, run again in a new one while the member it is about moves under it
 * (MemberMovedMeanwhileError): every run starts from no lock, so it reads his organisation afresh.
 * The unit of work is taken here, never inside `work`: a run again in the same transaction would
 * keep the locks of the run before, in the wrong order.
 */
export async function againIfTheMemberMoved<T>(uow: UnitOfWork, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await uow.run(work);
    } catch (e) {
      if (!(e instanceof MemberMovedMeanwhileError) || attempt >= RUNS_WHILE_THE_MEMBER_MOVES) throw e;
    }
  }
}

/**
 * A member's organisation and `others`, locked in id order before the member (ADR 0129): the one
 * order of every command that changes a member or a transfer — open transfers, then
 * organisations, then members — as a merge takes them. The member's organisation is read unlocked
 * to know which row to lock; `lockMemberStillIn` then locks him and checks he is still there. An
 * organisation of `others` that does not exist is `null`, so the caller can check its scope first.
 */
export async function lockOrganizationsOfMember(
  members: MemberRepository,
  organizations: OrganizationRepository,
  memberId: string,
  actor: Parameters<typeof assertWithinScope>[0],
  others: readonly string[] = [],
  lock: RowLock = 'update',
): Promise<{ own: Organization; others: ReadonlyMap<string, Organization | null> }> {
  const orgId = await members.orgOf(memberId);
  if (!orgId) throw new MemberNotFoundError(memberId);
  // Refused before any lock, on the organisation as read: a caller outside its scope would
  // otherwise hold it, and `others`, until told no (ADR 0129). The caller checks again under the lock.
  const seen = (await organizations.scopeFacts([orgId])).get(orgId);
  if (!seen) throw new OrganizationNotFoundError(orgId);
  await assertWithinScope(actor, { id: orgId, ...seen }, organizations);
  const locked = new Map<string, Organization | null>();
  for (const id of [...new Set([orgId, ...others])].sort()) locked.set(id, await organizations.findById(id, lock));
  const own = locked.get(orgId);
  if (!own) throw new OrganizationNotFoundError(orgId);
  return { own, others: new Map(others.map((id) => [id, locked.get(id) ?? null])) };
}

/** The member, locked, once his organisation `orgId` is held; MemberMovedMeanwhileError if he has left it since it was read. */
export async function lockMemberStillIn(members: MemberRepository, memberId: string, orgId: string): Promise<Member> {
  const member = await loadMember(members, memberId);
  if (member.orgId !== orgId) throw new MemberMovedMeanwhileError(memberId);
  return member;
}

/**
 * The member a command changes, refused unless his organisation lies inside the caller's subtree:
 * the organisation locked shared (relied on, not changed), then the member (ADR 0129). Run it
 * through `againIfTheMemberMoved`: a member a merge moves meanwhile is looked at again in the survivor.
 */
export async function lockMemberInScope(
  members: MemberRepository,
  organizations: OrganizationRepository,
  memberId: string,
  actor: Parameters<typeof assertWithinScope>[0],
): Promise<Member> {
  const { own } = await lockOrganizationsOfMember(members, organizations, memberId, actor, [], 'share');
  await assertWithinScope(actor, own, organizations);
  return lockMemberStillIn(members, memberId, own.id);
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
