import { Rule } from '@vanguard/kernel';

/**
 * A count held outside the platform (a county's paper sheet) replaces the recorded one only if it
 * is not older: a resent old sheet never overwrites a newer count; held the same day, it is a
 * correction. A recorded count with no day (counted on the platform) is always replaced. Each
 * stream names its own rule (id, code, message) on top of this one judgement.
 */
export abstract class CountIsNotOlderRule extends Rule {
  readonly kind = 'conflict';
  constructor(
    private readonly heldOn: string,
    private readonly recordedHeldOn: string | null,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.recordedHeldOn !== null && this.heldOn < this.recordedHeldOn;
  }
}
