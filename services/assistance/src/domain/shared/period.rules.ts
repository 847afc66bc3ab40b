import { Rule } from '@vanguard/kernel';
import type { Day } from './day';

/** A pairing's or a dispatch's period ends on or after the day it starts. */
export class PeriodMustNotEndBeforeItStarts extends Rule {
  readonly id = 'period-ends-after-start';
  readonly code = 'PERIOD.ENDS_BEFORE_START';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly from: Day,
    private readonly to: Day,
  ) {
    super();
    this.message = `期限结束日早于开始日 / the period ends (${to}) before it starts (${from})`;
  }
  isBroken(): boolean {
    return this.to < this.from;
  }
}

/** What is recorded as done (a visit, a deed, a payment, a milestone) happened no later than today. */
export class DayMustNotBeInTheFuture extends Rule {
  readonly id = 'day-not-in-future';
  readonly code = 'DAY.IN_FUTURE';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    what: string,
    private readonly day: Day,
    private readonly today: Day,
  ) {
    super();
    this.message = `日期不能晚于今天 / ${what} (${day}) cannot be after today (${today})`;
  }
  isBroken(): boolean {
    return this.day > this.today;
  }
}

/** A record of the project's life (a payment, a reversal, a milestone reached) is dated no earlier than what it follows. */
export class DayMustNotPrecede extends Rule {
  readonly id = 'day-not-before-origin';
  readonly code = 'DAY.BEFORE_ORIGIN';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    what: string,
    private readonly day: Day,
    private readonly origin: Day,
    originZh: string,
    originEn: string,
  ) {
    super();
    this.message = `日期早于${originZh} (${origin}) / ${what} (${day}) is before ${originEn} (${origin})`;
  }
  isBroken(): boolean {
    return this.day < this.origin;
  }
}
