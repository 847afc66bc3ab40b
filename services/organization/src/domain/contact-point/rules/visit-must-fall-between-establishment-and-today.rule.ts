import type { BusinessRule } from '../../shared/business-rule';
import type { Day } from '../../shared/day';

export class VisitMustFallBetweenEstablishmentAndTodayRule implements BusinessRule {
  readonly code = 'CONTACT_POINT.VISIT_DATE_INVALID';
  readonly kind = 'rule' as const;
  readonly message = '走访日期须在联系点建立之后且不晚于今天 / a visit must fall between the contact point’s establishment and today';
  constructor(
    private readonly establishedOn: Day,
    private readonly visitedOn: Day,
    private readonly today: Day,
  ) {}
  isBroken(): boolean {
    return this.visitedOn < this.establishedOn || this.visitedOn > this.today;
  }
}
