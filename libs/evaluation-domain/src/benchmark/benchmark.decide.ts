import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import type { BenchmarkCommand, ChooseBenchmark, ConfirmBenchmarkReached, ReportBenchmarkProgress } from './benchmark.commands';
import { idsOf, pathInputs } from '../org-path';
import type { BenchmarkEvent } from './benchmark.events';
import {
  BenchmarkIsActiveRule,
  BenchmarkIsChosenOnceRule,
  BenchmarkIsConfirmedAboveRule,
  BenchmarkIsNotItselfRule,
  BenchmarkProgressIsReportedByItsOrganizationRule,
  BenchmarkProgressNeverGoesBackRule,
} from './benchmark.rules';
import { evolve, initialState, type BenchmarkState } from './benchmark.state';

export function chooseBenchmark({ data }: ChooseBenchmark, state: BenchmarkState): BenchmarkEvent[] {
  checkRule(new BenchmarkIsChosenOnceRule(state));
  checkRule(new BenchmarkIsNotItselfRule(data.subject.id, data.target.id, data.dueOn, data.today));
  const { today: _today, ...chosen } = data;
  return [{ type: 'evaluation.BenchmarkChosen', data: chosen }];
}

export function reportBenchmarkProgress({ data }: ReportBenchmarkProgress, state: BenchmarkState): BenchmarkEvent[] {
  checkRule(new BenchmarkIsActiveRule(state));
  const { reportedBy, note, percent } = data;
  checkRule(new BenchmarkProgressIsReportedByItsOrganizationRule(state, reportedBy));
  checkRule(new BenchmarkProgressNeverGoesBackRule(state, percent));
  return [{ type: 'evaluation.BenchmarkProgressReported', data: { benchmarkId: state.benchmarkId!, note, percent } }];
}

export function confirmBenchmarkReached({ data }: ConfirmBenchmarkReached, state: BenchmarkState): BenchmarkEvent[] {
  checkRule(new BenchmarkIsActiveRule(state));
  const rule = new BenchmarkIsConfirmedAboveRule(state, data.decidedBy, idsOf(data.orgPath));
  checkRule(rule);
  return [
    {
      type: 'evaluation.BenchmarkReached',
      data: {
        benchmarkId: state.benchmarkId!,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: `benchmark-${state.benchmarkId}`, version: state.version }, ...pathInputs(data.orgPath)],
          rule: ruleRef(rule),
          reason: data.reason,
        },
      },
    },
  ];
}

export function decide(command: BenchmarkCommand, state: BenchmarkState): BenchmarkEvent[] {
  switch (command.type) {
    case 'ChooseBenchmark':
      return chooseBenchmark(command, state);
    case 'ReportBenchmarkProgress':
      return reportBenchmarkProgress(command, state);
    case 'ConfirmBenchmarkReached':
      return confirmBenchmarkReached(command, state);
  }
}

/** 对标定位: choose a benchmark, close the gaps, have it confirmed. */
export const benchmarkDecider: Decider<BenchmarkCommand, BenchmarkState, BenchmarkEvent> = { initialState, evolve, decide };
