import { Rule } from '@vanguard/kernel';

/**
 * The most one project's budget or one deed's spending may be: 100,000,000 yuan (一亿元), in fen.
 * Far above any village project in the seeds, and low enough that a province's sums stay exact:
 * at Number.MAX_SAFE_INTEGER each, 1,024 budgets overflowed the totals' bigint for every village
 * under the same county and province (500s on every plan there), and two put a subtree's sum
 * past what a JSON number holds exactly; at this cap that takes some 900,000 projects.
 */
export const MAX_AMOUNT_FEN = 10_000_000_000;

export class AmountMustBeWithinTheCap extends Rule {
  readonly id = 'amount-within-cap';
  readonly code = 'MONEY.OVER_CAP';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    what: string,
    private readonly amountFen: number,
  ) {
    super();
    this.message = `${what} 超过单笔上限一亿元 / ${what} of ${amountFen} fen is over the cap of ${MAX_AMOUNT_FEN} fen (100,000,000 yuan)`;
  }
  isBroken(): boolean {
    return this.amountFen > MAX_AMOUNT_FEN;
  }
}
