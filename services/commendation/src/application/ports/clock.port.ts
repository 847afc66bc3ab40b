export const CLOCK = Symbol('CLOCK');

/** Today's date and the current instant, injected so decisions and tests never read the wall clock. */
export interface ClockPort {
  now(): Date;
  /** The calendar day in China (UTC+8), YYYY-MM-DD: the day a pledge's dates are compared with. */
  today(): string;
}
