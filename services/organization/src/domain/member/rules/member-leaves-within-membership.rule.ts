import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';

/**
 * A member leaves on a day between joining and today. The HTTP route leaves on today; a county's
 * RosterMemberRemoved names its own day, and a probe stored "left 2099-12-31" and "joined
 * 2010-07-01, left 1900-01-01" in the member's history (and ended open transfers on those days).
 */
export class MemberLeavesWithinMembershipRule implements BusinessRule {
  readonly code = 'MEMBER.LEFT_ON_OUT_OF_RANGE';
  readonly kind = 'rule' as const;
  readonly message = '离开日期不能早于入党日期，也不能晚于今天 / the leaving day cannot be before the joining day nor after today';
  constructor(
    private readonly leftOn: Day,
    private readonly joinedOn: Day,
    private readonly today: Day,
  ) {}
  isBroken(): boolean {
    return this.leftOn < this.joinedOn || this.leftOn > this.today;
  }
}
