import type { BusinessRule } from '../../shared/business-rule';
import { anniversary, type Day } from '../../shared/day';

/**
 * A branch may extend a probation (延长预备期), by a year at most (party constitution, Article 7):
 * a member becomes full no later than the second anniversary of joining. One not fit by then
 * loses his probationary standing (取消预备党员资格) and leaves; a later day is a typing error
 * (ADR 0154). From 29 February the second anniversary, in a year without one, is 1 March: the first
 * falls there too, and the extension is a whole year from it.
 */
export class ProbationIsExtendedByAtMostAYearRule implements BusinessRule {
  readonly code = 'MEMBER.PROBATION_OVERRUN';
  readonly kind = 'rule' as const;
  readonly message: string;
  private readonly latest: Day;
  constructor(
    joinedOn: Day,
    private readonly fullOn: Day,
  ) {
    this.latest = anniversary(joinedOn, 2);
    this.message =
      `预备期延长不超过一年：${joinedOn} 入党，转正日期不能晚于 ${this.latest} / ` +
      `probation is extended by a year at most: joined ${joinedOn}, a member becomes full no later than ${this.latest}`;
  }
  isBroken(): boolean {
    return this.fullOn > this.latest;
  }
}
