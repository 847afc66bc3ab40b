import type { BusinessRule } from '../../shared/business-rule';
import type { MemberStatus } from '../member.vocabulary';

/** Only a probationary member becomes full; asked again, the answer is a conflict, not a second line. */
export class MemberMustBeProbationaryRule implements BusinessRule {
  readonly code = 'MEMBER.ALREADY_FULL';
  readonly kind = 'conflict' as const;
  readonly message = '该党员已是正式党员 / the member is already full';
  constructor(private readonly status: MemberStatus) {}
  isBroken(): boolean {
    return this.status !== 'probationary';
  }
}
