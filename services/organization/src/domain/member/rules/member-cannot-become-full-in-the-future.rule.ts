import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';

export class MemberCannotBecomeFullInTheFutureRule implements BusinessRule {
  readonly code = 'MEMBER.FULL_IN_FUTURE';
  readonly kind = 'rule' as const;
  readonly message = '转正日期不能晚于今天 / the day a member becomes full cannot be in the future';
  constructor(
    private readonly fullOn: Day,
    private readonly today: Day,
  ) {}
  isBroken(): boolean {
    return this.fullOn > this.today;
  }
}
