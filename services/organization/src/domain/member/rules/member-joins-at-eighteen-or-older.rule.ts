import type { BusinessRule } from '../../shared/business-rule';
import { anniversary, type Day } from '../../shared/day';

export const JOINING_AGE_PROBLEM =
  '入党时须年满十八周岁：按身份证号中的出生日期，入党日期早于其十八周岁生日，请核对入党日期或身份证号 / a member joins at eighteen or older: by the birth date in the ID number, the joining date is before the eighteenth birthday; check the joining date or the ID number';

/**
 * The party constitution admits only those 年满十八岁 (Article 1). Where an ID number is given, its
 * birth date (characters 7–14, already judged a date) must fall at least eighteen years before the
 * joining day: a transposed year (2001 typed for 1991) is caught here, before it reaches rosters and
 * figures. The eighteenth birthday is an `anniversary`, so one born on 29 February may join from
 * 1 March of a year without one. Without an ID number there is no birth date and nothing to judge;
 * a county's roster carries none, as no event carries personal data.
 *
 * The reason names neither date: an import's row errors are read by roles that see ID numbers only
 * masked, and the birth date is most of one.
 */
export class MemberJoinsAtEighteenOrOlderRule implements BusinessRule {
  readonly code = 'MEMBER.JOINED_UNDER_EIGHTEEN';
  readonly kind = 'rule' as const;
  readonly message = JOINING_AGE_PROBLEM;
  constructor(
    private readonly idNumber: string | null,
    private readonly joinedOn: Day,
  ) {}
  isBroken(): boolean {
    if (this.idNumber === null) return false;
    const born = this.idNumber.slice(6, 14);
    return this.joinedOn < anniversary(`${born.slice(0, 4)}-${born.slice(4, 6)}-${born.slice(6)}`, 18);
  }
}
