import { DomainError } from '@vanguard/kernel';
import type { RosterPort } from '../ports/roster.port';

export class MemberNotFoundError extends DomainError {
  constructor(memberId: string) {
    super('MEMBER.NOT_FOUND', 'not_found', `该组织没有这名党员 / no member ${memberId} in that organisation`);
  }
}

/**
 * A member who pledges, is evaluated or benchmarks must be active, per the roster, in the
 * organisation the command names. A member not there and one elsewhere answer alike (404), so
 * the roster cannot be probed through these commands.
 */
export async function memberActiveOrNotFound(
  roster: RosterPort,
  subject: { readonly kind: string; readonly id: string },
  orgId: string,
): Promise<void> {
  if (subject.kind === 'member' && !(await roster.isActiveMemberOf(subject.id, orgId))) throw new MemberNotFoundError(subject.id);
}
