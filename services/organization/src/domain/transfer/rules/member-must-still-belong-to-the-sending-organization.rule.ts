import type { BusinessRule } from '../../shared/business-rule';

/**
 * A transfer moves a member out of the organisation that requested it. If the member has since
 * left it (a merge moved them into the survivor, another transfer completed), completing would
 * pull them out of an organisation that never asked.
 */
export class MemberMustStillBelongToTheSendingOrganizationRule implements BusinessRule {
  readonly code = 'TRANSFER.MEMBER_NO_LONGER_IN_SENDING_ORGANIZATION';
  readonly kind = 'rule' as const;
  readonly message = '党员已不在申请转出的组织，不能办结 / the member no longer belongs to the organisation that requested the transfer';
  constructor(
    private readonly memberOrgId: string,
    private readonly fromOrgId: string,
  ) {}
  isBroken(): boolean {
    return this.memberOrgId !== this.fromOrgId;
  }
}
