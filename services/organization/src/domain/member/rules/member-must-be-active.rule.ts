import type { BusinessRule } from '../../shared/business-rule';
import type { Membership } from '../member.vocabulary';

export class MemberMustBeActiveRule implements BusinessRule {
  readonly code = 'MEMBER.NOT_ACTIVE';
  readonly kind = 'rule' as const;
  readonly message = '该党员已不在本组织 / the member has left and cannot be changed';
  constructor(private readonly membership: Membership) {}
  isBroken(): boolean {
    return this.membership !== 'active';
  }
}
