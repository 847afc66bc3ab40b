import { Rule } from '@vanguard/kernel';
import type { ProjectStatus } from '@vanguard/contracts';
import { PROJECT_STATUS_LABEL } from '../project/project.rules';

/** Money moves once a project is approved and until it is accepted (验收): not on a plan, not after the books close. */
export const FUNDS_OPEN_STATUSES: readonly ProjectStatus[] = ['approved', 'in_progress', 'completed'];

export class FundsMoveOnlyWhileTheProjectIsOpen extends Rule {
  readonly id = 'funds-while-open';
  readonly code = 'FUNDS.PROJECT_NOT_OPEN';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(private readonly status: ProjectStatus) {
    super();
    this.message = `项目${PROJECT_STATUS_LABEL[status]}，不能下达或拨付资金 / funds move only on an approved, started or completed project, not one that is ${status}`;
  }
  isBroken(): boolean {
    return !FUNDS_OPEN_STATUSES.includes(this.status);
  }
}

/** Allocations from every source together stay within the project's budget. */
export class AllocationsMustNotExceedTheBudget extends Rule {
  readonly id = 'allocations-within-budget';
  readonly code = 'FUNDS.OVER_BUDGET';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly allocatedFen: number,
    private readonly amountFen: number,
    private readonly budgetFen: number,
  ) {
    super();
    this.message = `下达资金将超出预算 / allocating ${amountFen} fen would bring allocations to ${allocatedFen + amountFen} fen, over the budget of ${budgetFen} fen`;
  }
  isBroken(): boolean {
    return this.allocatedFen + this.amountFen > this.budgetFen;
  }
}

/**
 * What leaves a source never exceeds what remains in it: a disbursement, or the reversal of an
 * allocation, is refused when the balance is smaller. The balance never goes negative.
 */
export class BalanceMustCoverTheAmount extends Rule {
  readonly id = 'balance-covers-amount';
  readonly code = 'FUNDS.INSUFFICIENT_BALANCE';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly balanceFen: number,
    private readonly amountFen: number,
  ) {
    super();
    this.message = `余额不足 / ${amountFen} fen requested, ${balanceFen} fen remain from this source`;
  }
  isBroken(): boolean {
    return this.amountFen > this.balanceFen;
  }
}

/** A correction reverses an entry once; a second reversal would count the correction twice. */
export class MovementIsReversedOnlyOnce extends Rule {
  readonly id = 'reversed-once';
  readonly code = 'FUNDS.ALREADY_REVERSED';
  readonly kind = 'conflict' as const;
  readonly message = '该笔资金已冲正 / this movement was already reversed';
  constructor(private readonly alreadyReversed: boolean) {
    super();
  }
  isBroken(): boolean {
    return this.alreadyReversed;
  }
}

/** Only allocations and disbursements are reversed; a wrong reversal is itself corrected by a new entry, not undone. */
export class AReversalIsNotReversed extends Rule {
  readonly id = 'reversal-not-reversible';
  readonly code = 'FUNDS.REVERSAL_NOT_REVERSIBLE';
  readonly kind = 'rule' as const;
  readonly message = '冲正记录不能再冲正，请另行下达或拨付 / a reversal is not reversed: record a new allocation or disbursement instead';
  constructor(private readonly kind_: string) {
    super();
  }
  isBroken(): boolean {
    return this.kind_ === 'reversal';
  }
}
