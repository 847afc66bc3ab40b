import { PublishedReasonMustNotCarryPersonalNumbersRule } from '../../shared/published-reason.rule';

/** The reason is published in clear (MemberTransferRejected): it must not identify anyone by number, however written. */
export class RejectionReasonMustNotCarryPersonalNumbersRule extends PublishedReasonMustNotCarryPersonalNumbersRule {
  override readonly message = '拒收理由不得包含身份证号或电话号码 / the reason must not contain an ID-card number or a phone number';
  constructor(reason: string) {
    super('TRANSFER.REASON_HAS_PERSONAL_NUMBER', reason);
  }
}
