import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';

export class MemberCannotJoinInTheFutureRule implements BusinessRule {
  readonly code = 'MEMBER.JOINED_IN_FUTURE';
  readonly kind = 'rule' as const;
  readonly message = '入党日期不能晚于今天 / the joining date cannot be in the future';
  constructor(
    private readonly joinedOn: Day,
    private readonly today: Day,
  ) {}
  isBroken(): boolean {
    return this.joinedOn > this.today;
  }
}
