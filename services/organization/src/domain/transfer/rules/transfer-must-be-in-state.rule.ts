import type { BusinessRule } from '../../shared/business-rule';
import type { TransferStatus } from '../member-transfer.aggregate';

/** A transfer's status as secretaries read it (the glossary's 组织关系转接 and 转接终止). */
export const TRANSFER_STATUS_LABEL: Readonly<Record<TransferStatus, string>> = {
  requested: '待接收',
  accepted: '已接收',
  rejected: '已拒收',
  completed: '已办结',
  cancelled: '已终止',
};

/** What was asked of a transfer, in Chinese and in English. */
export const TRANSFER_ACTIONS = { accept: ['接收', 'accept'], reject: ['拒收', 'reject'], complete: ['办结', 'complete'] } as const;

/** request → accept or reject → complete: each step only from the step before it. */
export class TransferMustBeInStateRule implements BusinessRule {
  readonly code = 'TRANSFER.INVALID_STATE';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly actual: TransferStatus,
    private readonly expected: TransferStatus,
    action: keyof typeof TRANSFER_ACTIONS,
  ) {
    const [zh, en] = TRANSFER_ACTIONS[action];
    this.message = `转接${TRANSFER_STATUS_LABEL[actual]}，不能${zh} / the transfer is ${actual}, expected ${expected} to ${en}`;
  }
  isBroken(): boolean {
    return this.actual !== this.expected;
  }
}
