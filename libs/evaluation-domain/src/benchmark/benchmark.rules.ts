import { Rule } from '@vanguard/kernel';
import { actsFor, type DecidedBy } from '../decided-by';
import type { BenchmarkState } from './benchmark.state';

export class BenchmarkIsChosenOnceRule extends Rule {
  readonly id = 'evaluation.benchmark.chosen-once';
  readonly code = 'BENCHMARK.EXISTS';
  readonly kind = 'conflict';
  readonly message = '该对标已确定 / this benchmarking exists already';
  constructor(private readonly state: BenchmarkState) {
    super();
  }
  isBroken(): boolean {
    return this.state.status !== 'none';
  }
}

export class BenchmarkIsNotItselfRule extends Rule {
  readonly id = 'evaluation.benchmark.not-itself';
  readonly code = 'BENCHMARK.SELF';
  readonly kind = 'invalid';
  readonly message = '不能以自身为标杆，完成时限不得早于今天 / the benchmark is someone else, due today or later';
  constructor(
    private readonly subjectId: string,
    private readonly targetId: string,
    private readonly dueOn: string,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.subjectId === this.targetId || this.dueOn < this.today;
  }
}

export class BenchmarkIsActiveRule extends Rule {
  readonly id = 'evaluation.benchmark.active';
  readonly code = 'BENCHMARK.NOT_ACTIVE';
  readonly kind = 'conflict';
  readonly message = '对标不存在或已达标 / no active benchmarking';
  constructor(private readonly state: BenchmarkState) {
    super();
  }
  isBroken(): boolean {
    return this.state.status !== 'active';
  }
}

export class BenchmarkProgressNeverGoesBackRule extends Rule {
  readonly id = 'evaluation.benchmark.progress-forward';
  readonly code = 'BENCHMARK.PROGRESS_BACKWARDS';
  readonly kind = 'rule';
  readonly message = '进度不能低于上次报告 / progress cannot fall below the last report';
  constructor(
    private readonly state: BenchmarkState,
    private readonly percent: number,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.percent < this.state.percent;
  }
}

/**
 * 对标定位: the organisation benchmarking reports its own progress (its branch, for a member's), as
 * a pledge's progress is the pledger's: a probe found any level above could report another
 * organisation's benchmarking 100 % done, then confirm it reached. (A member's branch both reports
 * and, as the level above the member, may confirm: BenchmarkIsConfirmedAboveRule v1.)
 */
export class BenchmarkProgressIsReportedByItsOrganizationRule extends Rule {
  readonly id = 'evaluation.benchmark.progress-by-benchmarker';
  readonly code = 'BENCHMARK.NOT_BENCHMARKER';
  readonly kind = 'forbidden';
  readonly message = '对标进展由对标的组织报告 / the organisation benchmarking reports its progress';
  constructor(
    private readonly state: BenchmarkState,
    private readonly reportedBy: DecidedBy,
  ) {
    super();
  }
  isBroken(): boolean {
    return !actsFor(this.state.orgId, this.reportedBy);
  }
}

/** A level above an organisation confirms it reached its benchmark; a member's branch (or above) confirms a member's. */
export class BenchmarkIsConfirmedAboveRule extends Rule {
  readonly id = 'evaluation.benchmark.confirmed-above';
  readonly code = 'BENCHMARK.NOT_LEVEL_ABOVE';
  readonly kind = 'forbidden';
  readonly message = '达标由上级组织确认 / a level above confirms the benchmark was reached';
  constructor(
    private readonly state: BenchmarkState,
    private readonly decidedBy: DecidedBy,
    private readonly orgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    const above = this.state.subjectKind === 'member' ? this.orgPath : this.orgPath.slice(0, -1);
    return !above.includes(this.decidedBy.orgId);
  }
}
