import { Rule } from '@vanguard/kernel';
import type { ProjectStatus } from '@vanguard/contracts';

/** A project's status as its staff read it: a refusal's Chinese half names no code. */
export const PROJECT_STATUS_LABEL: Readonly<Record<ProjectStatus, string>> = {
  planned: '已立项',
  approved: '已批准',
  in_progress: '已开工',
  completed: '已完工',
  accepted: '已验收',
  evaluated: '已评价',
};

/** The lifecycle moves one step at a time: planned → approved → in progress → completed → accepted → evaluated. */
export class ProjectMustBeInState extends Rule {
  readonly id = 'project-in-state';
  readonly code = 'PROJECT.WRONG_STATE';
  readonly kind = 'conflict' as const;
  readonly message: string;
  constructor(
    private readonly actual: ProjectStatus,
    private readonly allowed: readonly ProjectStatus[],
    action: string,
  ) {
    super();
    this.message = `项目${PROJECT_STATUS_LABEL[actual]}，不允许此操作 / cannot ${action} a project that is ${actual} (needs ${allowed.join(' or ')})`;
  }
  isBroken(): boolean {
    return !this.allowed.includes(this.actual);
  }
}

/** 完工: a project is completed only when every milestone it set has been reached. */
export class CompletionNeedsEveryMilestoneReached extends Rule {
  readonly id = 'completion-needs-milestones';
  readonly code = 'PROJECT.MILESTONES_OPEN';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(private readonly open: number) {
    super();
    this.message = `尚有 ${open} 个节点未完成 / ${open} milestone(s) not reached yet`;
  }
  isBroken(): boolean {
    return this.open > 0;
  }
}

/** A milestone is reached once; the first record stands. */
export class MilestoneIsReachedOnce extends Rule {
  readonly id = 'milestone-reached-once';
  readonly code = 'MILESTONE.ALREADY_REACHED';
  readonly kind = 'conflict' as const;
  readonly message = '该节点已完成 / this milestone was already reached';
  constructor(private readonly reachedOn: string | null) {
    super();
  }
  isBroken(): boolean {
    return this.reachedOn !== null;
  }
}

/** A step's day follows the previous step's: approval before the plan, or acceptance before completion, is a typo. */
export class StepCannotPrecedeThePreviousStep extends Rule {
  readonly id = 'step-after-previous';
  readonly code = 'PROJECT.STEP_BEFORE_PREVIOUS';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly on: string,
    private readonly previousOn: string,
  ) {
    super();
    this.message = `日期早于上一环节 (${previousOn}) / ${on} is before the previous step (${previousOn})`;
  }
  isBroken(): boolean {
    return this.on < this.previousOn;
  }
}

/** A project carried out under a pairing is the paired village's: the pairing it names is with that village. */
export class ProjectPairingMustBeWithTheVillage extends Rule {
  readonly id = 'project-pairing-with-the-village';
  readonly code = 'PROJECT.PAIRING_ELSEWHERE';
  readonly kind = 'rule' as const;
  readonly message = '所填结对不属于该村 / the pairing named is with another village';
  constructor(
    private readonly pairingOrgId: string | undefined,
    private readonly villageId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.pairingOrgId !== undefined && this.pairingOrgId !== this.villageId;
  }
}
