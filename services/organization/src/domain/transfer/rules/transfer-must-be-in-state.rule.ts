import type { BusinessRule } from '../../shared/business-rule';
import type { TransferStatus } from '../member-transfer.aggregate';

/** request → accept or reject → complete: each step only from the step before it. */
export class TransferMustBeInStateRule implements BusinessRule {
  readonly code = 'TRANSFER.INVALID_STATE';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly actual: TransferStatus,
    private readonly expected: TransferStatus,
    action: string,
  ) {
    this.message = `转接当前状态为 ${actual}，不能${action} / the transfer is ${actual}, expected ${expected} to ${action}`;
  }
  isBroken(): boolean {
    return this.actual !== this.expected;
  }
}
