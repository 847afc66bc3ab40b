import type { BusinessRule } from '../../shared/business-rule';
import { anniversary, type Day } from '../../shared/day';

/**
 * The party constitution (Article 7) gives a probationary member (预备党员) a year's probation
 * from the day he joins; he is full (正式党员) only from its end, the first anniversary of joining.
 * Asked of the day he became full (`POST /members/:id/full`) and, with today as that day, of any
 * record that states him full: an enrolment, an import row, a county's roster (ADR 0154). Without
 * it a joining day typed a year too late, or a 预备党员 entered as full, made him full before he
 * could be, and counted so in every figure by status.
 * The first anniversary of 29 February, in a year without one, is 1 March.
 */
export class MemberIsFullFromAYearAfterJoiningRule implements BusinessRule {
  readonly code = 'MEMBER.FULL_BEFORE_PROBATION_ENDS';
  readonly kind = 'rule' as const;
  readonly message: string;
  private readonly probationEnds: Day;
  constructor(
    joinedOn: Day,
    private readonly fullOn: Day,
  ) {
    this.probationEnds = anniversary(joinedOn, 1);
    this.message =
      `预备期为一年：${joinedOn} 入党，满一年（${this.probationEnds}）起方为正式党员 / ` +
      `probation lasts a year: joined ${joinedOn}, a member is full from ${this.probationEnds}`;
  }
  isBroken(): boolean {
    return this.fullOn < this.probationEnds;
  }
}
