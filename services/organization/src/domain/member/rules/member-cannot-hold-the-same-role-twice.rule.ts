import type { BusinessRule } from '../../shared/business-rule';
import { MEMBER_ROLE_LABEL, type MemberRole } from '../member.vocabulary';

export class MemberCannotHoldTheSameRoleTwiceRule implements BusinessRule {
  readonly code = 'MEMBER.ROLE_ALREADY_HELD';
  readonly kind = 'conflict' as const;
  readonly message: string;
  constructor(
    private readonly roles: readonly MemberRole[],
    private readonly role: MemberRole,
  ) {
    this.message = `该党员已担任${MEMBER_ROLE_LABEL[role]} / the member already holds the role ${role}`;
  }
  isBroken(): boolean {
    return this.roles.includes(this.role);
  }
}
