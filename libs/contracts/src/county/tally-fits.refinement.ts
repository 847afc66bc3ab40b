import type { z } from 'zod';
import type { NamedRefinement } from '../refinements';

interface Tally {
  ballotsIssued: number;
  ballotsReturned: number;
  votes: Readonly<Record<string, number>>;
}

/**
 * A tally's parts must fit its whole: ballots returned ≤ ballots issued, and the votes
 * per value add up to at most the ballots returned (the rest were blank or spoilt).
 */
function checkTally(tally: Tally, ctx: z.RefinementCtx): void {
  if (tally.ballotsReturned > tally.ballotsIssued) {
    ctx.addIssue({
      code: 'custom',
      path: ['ballotsReturned'],
      message: `ballotsReturned (${tally.ballotsReturned}) exceeds ballotsIssued (${tally.ballotsIssued})`,
    });
  }
  const cast = Object.values(tally.votes).reduce((sum, n) => sum + n, 0);
  if (cast > tally.ballotsReturned) {
    ctx.addIssue({
      code: 'custom',
      path: ['votes'],
      message: `votes add up to ${cast}, more than ballotsReturned (${tally.ballotsReturned})`,
    });
  }
}

export const tallyFits: NamedRefinement<Tally> = {
  name: 'tally-fits',
  version: 1,
  description: 'ballotsReturned ≤ ballotsIssued; the votes add up to at most ballotsReturned',
  onlyWhenFieldsAreValid: true,
  check: checkTally,
};
