import type { BusinessRule } from '../../shared/business-rule';

export class MemberCanHaveOnlyOneOpenTransferRule implements BusinessRule {
  readonly code = 'TRANSFER.ALREADY_OPEN';
  readonly kind = 'conflict' as const;
  readonly message = '该党员已有未办结的组织关系转接 / the member already has an open transfer';
  constructor(private readonly openTransfers: number) {}
  isBroken(): boolean {
    return this.openTransfers > 0;
  }
}
