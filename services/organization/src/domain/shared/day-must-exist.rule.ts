import type { BusinessRule } from './business-rule';
import { DAY_YEARS } from '@vanguard/contracts';
import { isDay } from './day';

/**
 * A day a member record carries must be one the calendar has and Postgres can store. HTTP and
 * imports refuse it at the edge; a county's roster message reaches the aggregate with only its
 * contract's pattern checked, and year 0000 then failed its whole batch at the database.
 */
export class DayMustExistRule implements BusinessRule {
  readonly code = 'DAY.INVALID';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly day: string,
    field: string,
  ) {
    const years = `${DAY_YEARS.first}–${DAY_YEARS.last}`;
    this.message = `${field} 须为存在的日期（${years} 年）/ ${field} must be a calendar day YYYY-MM-DD (years ${years})`;
  }
  isBroken(): boolean {
    return !isDay(this.day);
  }
}
