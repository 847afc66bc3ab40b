import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';

/**
 * A roster record restates a member's name, status, roles and posts, never the day he joined: it
 * begins his history, and every later entry is dated after it. A changed 入党日期 was dropped while
 * the reply said `applied` (a hostile probe); now the record is refused and says so, and nothing
 * of it is applied. The platform's own record is corrected by the organisation department.
 */
export class RosterKeepsTheJoiningDayRule implements BusinessRule {
  readonly code = 'MEMBER.JOINED_ON_DIFFERS';
  readonly kind = 'conflict' as const;
  readonly message: string;
  constructor(
    private readonly recorded: Day,
    private readonly stated: Day,
  ) {
    this.message = `平台记录的入党日期为 ${recorded}，花名册同步不更改入党日期 / the platform records the joining day as ${recorded}; a roster sync does not change it`;
  }
  isBroken(): boolean {
    return this.stated !== this.recorded;
  }
}
