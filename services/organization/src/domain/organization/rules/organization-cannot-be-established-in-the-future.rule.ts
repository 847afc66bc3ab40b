import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';

/**
 * An organisation dated after today was registered (a probe's 2099), and its members, contact
 * points and figures were dated against a day that has not come. Registration and the import
 * alike ask this rule.
 */
export class OrganizationCannotBeEstablishedInTheFutureRule implements BusinessRule {
  readonly code = 'ORGANIZATION.ESTABLISHED_IN_FUTURE';
  readonly kind = 'rule' as const;
  readonly field = 'establishedOn';
  readonly message = '组织建立日期不能晚于今天 / an organisation cannot be established after today';
  constructor(
    private readonly establishedOn: Day,
    private readonly today: Day,
  ) {}
  isBroken(): boolean {
    return this.establishedOn > this.today;
  }
}
