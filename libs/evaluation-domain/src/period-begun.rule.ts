import { Rule } from '@vanguard/kernel';

/**
 * What is judged has begun: a year (`YYYY`) or a month (`YYYY-MM`) not after the China day the
 * command is given on (`YYYY-MM-DD`). A probe on 2026-12-05 assessed a village for 2099, approved
 * a member's 2099 review as excellent and ranked a zone's round for 2027-03, which a 2027
 * assessment then read as its evidence. The month or year may still be running: a branch reviews
 * its members in December, a zone's round is held within its month.
 */
export class PeriodHasBegunRule extends Rule {
  static readonly ID = 'evaluation.period-has-begun';
  readonly id = PeriodHasBegunRule.ID;
  readonly code = 'PERIOD.NOT_BEGUN';
  readonly kind = 'rule';
  readonly message = '尚未开始的年度或月份不能评定、评议或观摩 / a year or month that has not begun is not assessed, reviewed or ranked';
  constructor(
    private readonly period: string,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.period > this.today.slice(0, this.period.length);
  }
}
