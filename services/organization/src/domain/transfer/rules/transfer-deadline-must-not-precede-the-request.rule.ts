import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';

export class TransferDeadlineMustNotPrecedeTheRequestRule implements BusinessRule {
  readonly code = 'TRANSFER.DEADLINE_BEFORE_REQUEST';
  readonly kind = 'rule' as const;
  readonly message = '办理期限不能早于申请日期 / the deadline cannot precede the request';
  constructor(
    private readonly requestedOn: Day,
    private readonly deadline: Day,
  ) {}
  isBroken(): boolean {
    return this.deadline < this.requestedOn;
  }
}
