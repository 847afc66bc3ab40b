import type { ProjectStatus } from '@vanguard/contracts';
import type { Project } from '../project/project';
import { DayMustNotPrecede } from '../shared/period.rules';
import { refusedBy } from '../testing/refusal';
import { allocate, disburse, InvalidAmountError, remainingOf, reverse, type FundMovement, type SourceBalance } from './fund-ledger';
import {
  AllocationsMustNotExceedTheBudget,
  AReversalIsNotReversed,
  BalanceMustCoverTheAmount,
  FundsMoveOnlyWhileTheProjectIsOpen,
  MovementIsReversedOnlyOnce,
} from './funds.rules';

const TODAY = '2011-06-30';
const project = (status: ProjectStatus = 'in_progress', budgetFen = 1_000_000, approvedOn: string | null = null): Project => ({
  id: 'p1',
  orgId: 'v1',
  pairingId: null,
  name: '村内主干道硬化',
  category: 'road_hardening',
  budgetFen,
  beneficiaryHouseholds: 80,
  status,
  plannedOn: '2011-03-01',
  lastStepOn: '2011-05-01',
  approvedOn,
  milestones: [],
});
const fiscal = (allocatedFen: number, disbursedFen = 0): SourceBalance => ({ source: 'fiscal', allocatedFen, disbursedFen });
const movement = (kind: FundMovement['kind'], amountFen: number, reversed = false): FundMovement => ({
  id: 'm1',
  projectId: 'p1',
  source: 'fiscal',
  kind,
  amountFen,
  on: '2011-06-01',
  purpose: null,
  reversesId: kind === 'reversal' ? 'm0' : null,
  reversed,
});

describe('fund ledger', () => {
  describe(allocate.name, () => {
    it('adds to the source’s balance and records it in the event', () => {
      const sut = allocate(project(), [fiscal(100_000)], { id: 'm2', source: 'fiscal', amountFen: 50_000, on: TODAY }, TODAY);
      expect(remainingOf(sut.balance)).toBe(150_000);
      expect(sut.events[0]!.data).toMatchObject({ amountFen: 50_000, balanceFen: 150_000, source: 'fiscal' });
    });

    it('refuses allocations beyond the budget, counted over every source', () => {
      const all = [fiscal(600_000), { source: 'helper_unit' as const, allocatedFen: 300_000, disbursedFen: 0 }];
      const act = () => allocate(project(), all, { id: 'm', source: 'helper_unit', amountFen: 100_001, on: TODAY }, TODAY);
      expect(refusedBy(act, AllocationsMustNotExceedTheBudget)).toBe(true);
      expect(() => allocate(project(), all, { id: 'm', source: 'helper_unit', amountFen: 100_000, on: TODAY }, TODAY)).not.toThrow();
    });

    it.each<ProjectStatus>(['planned', 'accepted', 'evaluated'])('refuses money on a project that is %s', (status) => {
      const act = () => allocate(project(status), [], { id: 'm', source: 'fiscal', amountFen: 1, on: TODAY }, TODAY);
      expect(refusedBy(act, FundsMoveOnlyWhileTheProjectIsOpen)).toBe(true);
    });

    it('refuses money dated before the project was approved, and takes it on that day', () => {
      const approved = project('in_progress', 1_000_000, '2011-04-15');
      const on = (day: string) => () => allocate(approved, [], { id: 'm', source: 'fiscal', amountFen: 1, on: day }, TODAY);
      expect(refusedBy(on('2011-04-14'), DayMustNotPrecede)).toBe(true);
      expect(on('2011-04-15')).not.toThrow();
      const paid = (day: string) => () =>
        disburse(approved, fiscal(10), { id: 'm', source: 'fiscal', amountFen: 1, on: day, purpose: '进度款' }, TODAY);
      expect(refusedBy(paid('2011-03-01'), DayMustNotPrecede)).toBe(true);
      expect(paid('2011-04-15')).not.toThrow();
      // Even the correction of an entry recorded before this rule, dated before the approval.
      const original = { ...movement('disbursement', 1), on: '2011-04-01' };
      const undo = (day: string) => () => reverse(approved, original, fiscal(10, 1), { id: 'r', on: day, reason: '重复录入' }, TODAY);
      expect(refusedBy(undo('2011-04-10'), DayMustNotPrecede)).toBe(true);
      expect(undo('2011-04-15')).not.toThrow();
    });

    it('refuses money dated before the project was planned where its approval day is not known, and takes it on that day', () => {
      const on = (day: string) => () => allocate(project(), [], { id: 'm', source: 'fiscal', amountFen: 1, on: day }, TODAY);
      expect(refusedBy(on('2011-02-28'), DayMustNotPrecede)).toBe(true);
      expect(on('2011-03-01')).not.toThrow();
      const paid = (day: string) => () =>
        disburse(project(), fiscal(10), { id: 'm', source: 'fiscal', amountFen: 1, on: day, purpose: '进度款' }, TODAY);
      expect(refusedBy(paid('1990-01-01'), DayMustNotPrecede)).toBe(true);
      expect(paid('2011-03-01')).not.toThrow();
    });

    it.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN])('refuses %p fen as an amount', (amountFen) => {
      expect(() => allocate(project(), [], { id: 'm', source: 'fiscal', amountFen, on: TODAY }, TODAY)).toThrow(InvalidAmountError);
    });
  });

  describe(disburse.name, () => {
    it('pays out exactly what remains, and refuses one fen more', () => {
      const input = { id: 'm', source: 'fiscal' as const, on: TODAY, purpose: '进度款' };
      expect(remainingOf(disburse(project(), fiscal(100, 40), { ...input, amountFen: 60 }, TODAY).balance)).toBe(0);
      expect(refusedBy(() => disburse(project(), fiscal(100, 40), { ...input, amountFen: 61 }, TODAY), BalanceMustCoverTheAmount)).toBe(
        true,
      );
      expect(refusedBy(() => disburse(project(), undefined, { ...input, amountFen: 1 }, TODAY), BalanceMustCoverTheAmount)).toBe(true);
    });
  });

  describe(reverse.name, () => {
    const input = { id: 'r1', on: TODAY, reason: '重复录入' };

    it('puts a reversed disbursement back and names what it reverses', () => {
      const sut = reverse(project('accepted'), movement('disbursement', 30), fiscal(100, 30), input, TODAY);
      expect(remainingOf(sut.balance)).toBe(100);
      expect(sut.movement).toMatchObject({ kind: 'reversal', reversesId: 'm1', amountFen: 30 });
      expect(sut.events[0]!.data).toMatchObject({ reversedKind: 'disbursement', reversesMovementId: 'm1', balanceFen: 100 });
    });

    it('takes a reversed allocation out only when the balance still covers it', () => {
      expect(remainingOf(reverse(project(), movement('allocation', 70), fiscal(100, 30), input, TODAY).balance)).toBe(0);
      expect(
        refusedBy(() => reverse(project(), movement('allocation', 71), fiscal(100, 30), input, TODAY), BalanceMustCoverTheAmount),
      ).toBe(true);
    });

    it('is dated no earlier than the entry it reverses, nor than the plan', () => {
      const on = (day: string) => () => reverse(project(), movement('disbursement', 1), fiscal(10, 1), { ...input, on: day }, TODAY);
      expect(refusedBy(on('2011-05-31'), DayMustNotPrecede)).toBe(true);
      expect(on('2011-06-01')).not.toThrow();
      // An entry dated before the plan (recorded before the rule) is not reversed before it either.
      const early = { ...movement('disbursement', 1), on: '2010-01-01' };
      expect(refusedBy(() => reverse(project(), early, fiscal(10, 1), { ...input, on: '2010-06-01' }, TODAY), DayMustNotPrecede)).toBe(
        true,
      );
    });

    it('reverses an entry once, and never a reversal', () => {
      expect(
        refusedBy(() => reverse(project(), movement('disbursement', 1, true), fiscal(10, 1), input, TODAY), MovementIsReversedOnlyOnce),
      ).toBe(true);
      expect(refusedBy(() => reverse(project(), movement('reversal', 1), fiscal(10, 1), input, TODAY), AReversalIsNotReversed)).toBe(true);
    });
  });
});
