import { specificationFor } from '@vanguard/kernel/testing';
import { pathAtVersionZero, pathInputs } from '../org-path';
import type { BenchmarkCommand } from './benchmark.commands';
import { benchmarkDecider } from './benchmark.decide';
import type { BenchmarkEvent } from './benchmark.events';
import {
  BenchmarkIsActiveRule,
  BenchmarkIsChosenOnceRule,
  BenchmarkIsConfirmedAboveRule,
  BenchmarkIsNotItselfRule,
  BenchmarkProgressIsReportedByItsOrganizationRule,
  BenchmarkProgressNeverGoesBackRule,
} from './benchmark.rules';

const PROVINCE = '00000000-0000-4000-8000-000000000091';
const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const MODEL_VILLAGE = '00000000-0000-4000-8000-910425101202';
const BENCH = '01930000-0000-7000-8000-0000000000ba';
const PATH = pathAtVersionZero([PROVINCE, COUNTY, TOWNSHIP, VILLAGE]);
const township = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };
const village = { sub: 'village.secretary', role: 'branch_secretary', orgId: VILLAGE };

const chosenData = {
  benchmarkId: BENCH,
  subject: { kind: 'organization', id: VILLAGE },
  orgId: VILLAGE,
  target: { kind: 'organization', id: MODEL_VILLAGE, name: '青石村党支部' },
  gaps: ['集体经济收入低'],
  measures: ['发展红枣合作社'],
  dueOn: '2011-12-31',
} as const;
const chosen: BenchmarkEvent = {
  type: 'evaluation.BenchmarkChosen',
  data: { ...chosenData, gaps: [...chosenData.gaps], measures: [...chosenData.measures] },
};
const choose = (over: Partial<{ targetId: string; dueOn: string }> = {}): BenchmarkCommand => ({
  type: 'ChooseBenchmark',
  data: {
    ...chosen.data,
    ...(over.targetId ? { target: { ...chosenData.target, id: over.targetId } } : {}),
    ...(over.dueOn ? { dueOn: over.dueOn } : {}),
    today: '2011-05-01',
  },
});
const progress = (percent: number, reportedBy = village): BenchmarkCommand => ({
  type: 'ReportBenchmarkProgress',
  data: { note: '合作社已注册', percent, reportedBy },
});
const confirm = (decidedBy = township): BenchmarkCommand => ({
  type: 'ConfirmBenchmarkReached',
  data: { decidedBy, orgPath: PATH, reason: '收入已达标' },
});
const spec = specificationFor(benchmarkDecider);

describe('benchmarkDecider', () => {
  it('chooses a benchmark with gaps and measures', () => spec.given([]).when(choose()).then([chosen]));
  it('chooses once', () => spec.given([chosen]).when(choose()).thenRefuses(BenchmarkIsChosenOnceRule));
  it('does not take itself as the benchmark', () =>
    spec
      .given([])
      .when(choose({ targetId: VILLAGE }))
      .thenRefuses(BenchmarkIsNotItselfRule));
  it('is due today or later', () =>
    spec
      .given([])
      .when(choose({ dueOn: '2011-04-30' }))
      .thenRefuses(BenchmarkIsNotItselfRule));
  it('reports progress', () =>
    spec
      .given([chosen])
      .when(progress(40))
      .then([{ type: 'evaluation.BenchmarkProgressReported', data: { benchmarkId: BENCH, note: '合作社已注册', percent: 40 } }]));
  it('takes progress only from the organisation benchmarking, not from a level above or beside it', () => {
    for (const reporter of [township, { ...village, orgId: COUNTY }, { ...village, orgId: MODEL_VILLAGE }])
      spec.given([chosen]).when(progress(100, reporter)).thenRefuses(BenchmarkProgressIsReportedByItsOrganizationRule);
  });
  it("takes a member's progress from the member's branch", () => {
    const member = '01930000-0000-7000-8000-00000000e001';
    const forMember: BenchmarkEvent = {
      type: 'evaluation.BenchmarkChosen',
      data: { ...chosen.data, subject: { kind: 'member', id: member } },
    };
    spec
      .given([forMember])
      .when(progress(20))
      .then([{ type: 'evaluation.BenchmarkProgressReported', data: { benchmarkId: BENCH, note: '合作社已注册', percent: 20 } }]);
    spec.given([forMember]).when(progress(20, township)).thenRefuses(BenchmarkProgressIsReportedByItsOrganizationRule);
  });
  it('never reports progress backwards', () =>
    spec
      .given([chosen, { type: 'evaluation.BenchmarkProgressReported', data: { benchmarkId: BENCH, note: 'x', percent: 60 } }])
      .when(progress(50))
      .thenRefuses(BenchmarkProgressNeverGoesBackRule));
  it('is confirmed reached by the level above, recording the version read', () =>
    spec
      .given([chosen])
      .when(confirm())
      .thenMatches((e) =>
        expect(e[0]).toMatchObject({
          type: 'evaluation.BenchmarkReached',
          data: { decision: { inputs: [{ streamId: `benchmark-${BENCH}`, version: 1 }, ...pathInputs(PATH)] } },
        }),
      ));
  it('is not confirmed by the village itself', () =>
    spec
      .given([chosen])
      .when(confirm({ ...township, orgId: VILLAGE }))
      .thenRefuses(BenchmarkIsConfirmedAboveRule));
  it('takes no progress after it is reached', () => {
    const reached: BenchmarkEvent = {
      type: 'evaluation.BenchmarkReached',
      data: {
        benchmarkId: BENCH,
        decision: { decidedBy: township, inputs: [], rule: { id: 'evaluation.benchmark.confirmed-above', version: 1 }, reason: '' },
      },
    };
    spec.given([chosen, reached]).when(progress(100)).thenRefuses(BenchmarkIsActiveRule);
  });
});
