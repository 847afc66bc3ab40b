import { checkRule, DomainError } from '@vanguard/kernel';
import { FundMovementReversed, FundsAllocated, FundsDisbursed, type FundSource } from '@vanguard/contracts';
import type { Day } from '../shared/day';
import { domainEvent, type DomainEvent } from '../shared/domain-event';
import { DayMustNotBeInTheFuture, DayMustNotPrecede } from '../shared/period.rules';
import type { Project } from '../project/project';
import {
  AllocationsMustNotExceedTheBudget,
  AReversalIsNotReversed,
  BalanceMustCoverTheAmount,
  FundsMoveOnlyWhileTheProjectIsOpen,
  MovementIsReversedOnlyOnce,
} from './funds.rules';

/** What one source has put into a project and what has left it, in integer fen. */
export interface SourceBalance {
  readonly source: FundSource;
  readonly allocatedFen: number;
  readonly disbursedFen: number;
}

export const remainingOf = (b: SourceBalance): number => b.allocatedFen - b.disbursedFen;

/**
 * One entry of the append-only ledger. A reversal has the opposite effect of the entry it
 * reverses and names it; entries are never edited or deleted.
 */
export interface FundMovement {
  readonly id: string;
  readonly projectId: string;
  readonly source: FundSource;
  readonly kind: 'allocation' | 'disbursement' | 'reversal';
  readonly amountFen: number;
  readonly on: Day;
  readonly purpose: string | null;
  readonly reversesId: string | null;
  /** Set on an allocation or disbursement once a reversal names it. */
  readonly reversed: boolean;
}

export interface LedgerDecision {
  readonly movement: FundMovement;
  readonly balance: SourceBalance;
  readonly events: DomainEvent[];
}

export class InvalidAmountError extends DomainError {
  constructor(amount: number) {
    super('FUNDS.INVALID_AMOUNT', 'invalid', `金额须为正整数(分) / amountFen must be a positive integer of fen, got ${amount}`);
  }
}

/** Money is integer fen, positive, and small enough to add without losing a fen. */
function assertFen(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new InvalidAmountError(amount);
}

const emptyBalance = (source: FundSource): SourceBalance => ({ source, allocatedFen: 0, disbursedFen: 0 });

/**
 * Money moves from the day the project was approved (资金下达 follows 立项审批), or from the day
 * it was planned where the approval's day is not known (a project approved before it was kept).
 */
function checkNotBeforeTheProjectOpened(on: Day, project: Project): void {
  checkRule(
    project.approvedOn
      ? new DayMustNotPrecede('on', on, project.approvedOn, '项目批准', 'the project was approved')
      : new DayMustNotPrecede('on', on, project.plannedOn, '项目立项', 'the project was planned'),
  );
}

/** 资金下达: `all` is every source's balance of the project (the budget caps their sum). */
export function allocate(
  project: Project,
  all: readonly SourceBalance[],
  input: { id: string; source: FundSource; amountFen: number; on: Day },
  today: Day,
): LedgerDecision {
  assertFen(input.amountFen);
  checkRule(new FundsMoveOnlyWhileTheProjectIsOpen(project.status));
  checkRule(new DayMustNotBeInTheFuture('on', input.on, today));
  checkNotBeforeTheProjectOpened(input.on, project);
  const allocated = all.reduce((n, b) => n + b.allocatedFen, 0);
  checkRule(new AllocationsMustNotExceedTheBudget(allocated, input.amountFen, project.budgetFen));
  const before = all.find((b) => b.source === input.source) ?? emptyBalance(input.source);
  const balance: SourceBalance = { ...before, allocatedFen: before.allocatedFen + input.amountFen };
  const movement: FundMovement = { ...input, projectId: project.id, kind: 'allocation', purpose: null, reversesId: null, reversed: false };
  const event = domainEvent(FundsAllocated, project.id, project.orgId, {
    projectId: project.id,
    orgId: project.orgId,
    movementId: movement.id,
    source: input.source,
    amountFen: input.amountFen,
    balanceFen: remainingOf(balance),
    on: input.on,
  });
  return { movement, balance, events: [event] };
}

/** 资金拨付: refused when more is asked than remains from the source. */
export function disburse(
  project: Project,
  current: SourceBalance | undefined,
  input: { id: string; source: FundSource; amountFen: number; on: Day; purpose: string },
  today: Day,
): LedgerDecision {
  assertFen(input.amountFen);
  checkRule(new FundsMoveOnlyWhileTheProjectIsOpen(project.status));
  checkRule(new DayMustNotBeInTheFuture('on', input.on, today));
  checkNotBeforeTheProjectOpened(input.on, project);
  const before = current ?? emptyBalance(input.source);
  checkRule(new BalanceMustCoverTheAmount(remainingOf(before), input.amountFen));
  const balance: SourceBalance = { ...before, disbursedFen: before.disbursedFen + input.amountFen };
  const movement: FundMovement = { ...input, projectId: project.id, kind: 'disbursement', reversesId: null, reversed: false };
  const event = domainEvent(FundsDisbursed, project.id, project.orgId, {
    projectId: project.id,
    orgId: project.orgId,
    movementId: movement.id,
    source: input.source,
    amountFen: input.amountFen,
    balanceFen: remainingOf(balance),
    on: input.on,
    purpose: input.purpose,
  });
  return { movement, balance, events: [event] };
}

/**
 * 冲正: a new entry with the opposite effect of `original`. Reversing a disbursement puts the
 * money back; reversing an allocation takes it out, so it needs the balance to cover it.
 */
export function reverse(
  project: Project,
  original: FundMovement,
  current: SourceBalance,
  input: { id: string; on: Day; reason: string },
  today: Day,
): LedgerDecision {
  checkRule(new AReversalIsNotReversed(original.kind));
  checkRule(new MovementIsReversedOnlyOnce(original.reversed));
  checkRule(new DayMustNotBeInTheFuture('on', input.on, today));
  checkNotBeforeTheProjectOpened(input.on, project);
  checkRule(new DayMustNotPrecede('on', input.on, original.on, '被冲正的记录', 'the entry it reverses'));
  let balance: SourceBalance;
  if (original.kind === 'allocation') {
    checkRule(new BalanceMustCoverTheAmount(remainingOf(current), original.amountFen));
    balance = { ...current, allocatedFen: current.allocatedFen - original.amountFen };
  } else {
    balance = { ...current, disbursedFen: current.disbursedFen - original.amountFen };
  }
  const movement: FundMovement = {
    id: input.id,
    projectId: project.id,
    source: original.source,
    kind: 'reversal',
    amountFen: original.amountFen,
    on: input.on,
    purpose: input.reason,
    reversesId: original.id,
    reversed: false,
  };
  const event = domainEvent(FundMovementReversed, project.id, project.orgId, {
    projectId: project.id,
    orgId: project.orgId,
    movementId: movement.id,
    source: original.source,
    amountFen: original.amountFen,
    balanceFen: remainingOf(balance),
    on: input.on,
    reversesMovementId: original.id,
    reversedKind: original.kind as 'allocation' | 'disbursement',
    reason: input.reason,
  });
  return { movement, balance, events: [event] };
}
