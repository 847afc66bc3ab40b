import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';

/**
 * A contact point dated after today could take no visit before that day (a visit falls between
 * establishment and today), yet was listed "no visit in the last month" all the while.
 */
export class ContactPointCannotBeEstablishedInTheFutureRule implements BusinessRule {
  readonly code = 'CONTACT_POINT.ESTABLISHED_IN_FUTURE';
  readonly kind = 'rule' as const;
  readonly field = 'establishedOn';
  readonly message = '联系点建立日期不能晚于今天 / a contact point cannot be established after today';
  constructor(
    private readonly establishedOn: Day,
    private readonly today: Day,
  ) {}
  isBroken(): boolean {
    return this.establishedOn > this.today;
  }
}
