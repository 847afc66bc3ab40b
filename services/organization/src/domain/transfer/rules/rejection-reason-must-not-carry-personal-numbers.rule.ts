import { personalNumbersPublishedIn } from '@vanguard/contracts';
import type { BusinessRule } from '../../shared/business-rule';

/** The reason is published in clear (MemberTransferRejected): it must not identify anyone by number, however written. */
export class RejectionReasonMustNotCarryPersonalNumbersRule implements BusinessRule {
  readonly code = 'TRANSFER.REASON_HAS_PERSONAL_NUMBER';
  readonly kind = 'invalid' as const;
  readonly message = '拒收理由不得包含身份证号或电话号码 / the reason must not contain an ID-card number or a phone number';
  constructor(private readonly reason: string) {}
  isBroken(): boolean {
    return personalNumbersPublishedIn(this.reason).length > 0;
  }
}
