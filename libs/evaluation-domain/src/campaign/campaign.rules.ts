import type { ContractData, CampaignLaunched } from '@vanguard/contracts';
import { Rule, type DomainErrorKind } from '@vanguard/kernel';
import type { CampaignState, CycleState, CycleStatus } from './campaign.state';

type Phases = ContractData<typeof CampaignLaunched>['phases'];
const PHASE_ORDER = ['mobilise', 'compete', 'benchmark_upgrade', 'summarise'] as const;

export class CampaignIsLaunchedOnceRule extends Rule {
  readonly id = 'evaluation.campaign.launched-once';
  readonly code = 'CAMPAIGN.ALREADY_LAUNCHED';
  readonly kind = 'conflict';
  readonly message = '该活动已启动 / this campaign was launched already';
  constructor(private readonly state: CampaignState) {
    super();
  }
  isBroken(): boolean {
    return this.state.launched;
  }
}

export class CampaignIsLaunchedRule extends Rule {
  readonly id = 'evaluation.campaign.launched';
  readonly code = 'CAMPAIGN.NOT_FOUND';
  readonly kind = 'not_found';
  readonly message = '活动不存在 / no such campaign';
  constructor(private readonly state: CampaignState) {
    super();
  }
  isBroken(): boolean {
    return !this.state.launched;
  }
}

/** 四个步骤: mobilise, compete, benchmark & upgrade, summarise — in that order, none overlapping. */
export class PhasesFollowEachOtherRule extends Rule {
  readonly id = 'evaluation.campaign.phases-in-order';
  readonly code = 'CAMPAIGN.PHASES_OUT_OF_ORDER';
  readonly kind = 'invalid';
  readonly message = '四个步骤须依次进行，时间不得重叠 / the four phases must follow each other without overlapping';
  constructor(private readonly phases: Phases) {
    super();
  }
  isBroken(): boolean {
    return (
      this.phases.length !== 4 ||
      this.phases.some((p, i) => p.phase !== PHASE_ORDER[i] || p.startsOn > p.endsOn || (i > 0 && p.startsOn <= this.phases[i - 1]!.endsOn))
    );
  }
}

const quarterOf = (day: string) => `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;

/** A cycle is the calendar quarter it names, inside the campaign's dates. */
export class CycleIsAQuarterOfTheCampaignRule extends Rule {
  readonly id = 'evaluation.campaign.cycle-is-a-quarter';
  readonly code = 'CAMPAIGN.CYCLE_DATES';
  readonly kind = 'invalid';
  readonly message = '季度周期须在所称季度及活动期间之内 / a cycle must lie within the quarter it names and within the campaign';
  constructor(
    private readonly state: CampaignState,
    private readonly cycle: Pick<CycleState, 'quarter' | 'startsOn' | 'endsOn'>,
  ) {
    super();
  }
  isBroken(): boolean {
    const { quarter, startsOn, endsOn } = this.cycle;
    const first = this.state.phases[0]?.startsOn ?? '';
    const last = this.state.phases.at(-1)?.endsOn ?? '';
    return startsOn > endsOn || quarterOf(startsOn) !== quarter || quarterOf(endsOn) !== quarter || startsOn < first || endsOn > last;
  }
}

export class CycleIsPlannedOnceRule extends Rule {
  readonly id = 'evaluation.campaign.cycle-once';
  readonly code = 'CAMPAIGN.CYCLE_EXISTS';
  readonly kind = 'conflict';
  readonly message = '该季度已有周期 / this quarter (or cycle) is planned already';
  constructor(
    private readonly state: CampaignState,
    private readonly cycle: Pick<CycleState, 'cycleId' | 'quarter'>,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.state.cycles.some((c) => c.cycleId === this.cycle.cycleId || c.quarter === this.cycle.quarter);
  }
}

abstract class CycleStatusRule extends Rule {
  readonly kind: DomainErrorKind = 'conflict';
  protected abstract readonly from: CycleStatus;
  constructor(
    private readonly state: CampaignState,
    private readonly cycleId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.state.cycles.find((c) => c.cycleId === this.cycleId)?.status !== this.from;
  }
}

export class OnlyAPlannedCycleOpensRule extends CycleStatusRule {
  readonly id = 'evaluation.campaign.open-planned-cycle';
  readonly code = 'CAMPAIGN.CYCLE_NOT_PLANNED';
  readonly message = '只有已计划的周期可以开始 / only a planned cycle can open';
  protected readonly from = 'planned';
}

export class OnlyAnOpenCycleClosesRule extends CycleStatusRule {
  readonly id = 'evaluation.campaign.close-open-cycle';
  readonly code = 'CAMPAIGN.CYCLE_NOT_OPEN';
  readonly message = '只有进行中的周期可以结束 / only an open cycle can close';
  protected readonly from = 'open';
}

/** 一季一主题: one quarter at a time. */
export class OneCycleIsOpenAtATimeRule extends Rule {
  readonly id = 'evaluation.campaign.one-open-cycle';
  readonly code = 'CAMPAIGN.CYCLE_ALREADY_OPEN';
  readonly kind = 'rule';
  readonly message = '上一季度周期尚未结束 / another cycle is still open';
  constructor(private readonly state: CampaignState) {
    super();
  }
  isBroken(): boolean {
    return this.state.cycles.some((c) => c.status === 'open');
  }
}
