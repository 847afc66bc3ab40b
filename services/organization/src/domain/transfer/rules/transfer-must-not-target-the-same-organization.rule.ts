import type { BusinessRule } from '../../shared/business-rule';

export class TransferMustNotTargetTheSameOrganizationRule implements BusinessRule {
  readonly code = 'TRANSFER.SAME_ORGANIZATION';
  readonly kind = 'rule' as const;
  readonly message = '不能转接到党员当前所在的组织 / a member cannot be transferred to the organisation they already belong to';
  constructor(
    private readonly fromOrgId: string,
    private readonly toOrgId: string,
  ) {}
  isBroken(): boolean {
    return this.fromOrgId === this.toOrgId;
  }
}
