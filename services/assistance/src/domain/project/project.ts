import { checkRule, DomainError } from '@vanguard/kernel';
import {
  MilestoneReached,
  ProjectAccepted,
  ProjectApproved,
  ProjectCompleted,
  ProjectEvaluated,
  ProjectPlanned,
  ProjectStarted,
  type Ballot,
  type ProjectCategory,
  type ProjectStatus,
} from '@vanguard/contracts';
import type { Day } from '../shared/day';
import { domainEvent, type DomainEvent } from '../shared/domain-event';
import { AmountMustBeWithinTheCap } from '../shared/money.rules';
import { DayMustNotBeInTheFuture, DayMustNotPrecede } from '../shared/period.rules';
import { PublishedTextCarriesNoPersonalNumbers, TextMustNotBeBlank } from '../shared/public-text.rules';
import { MustBeAnActiveVillage, type Village } from '../shared/village';
import {
  CompletionNeedsEveryMilestoneReached,
  MilestoneIsReachedOnce,
  ProjectMustBeInState,
  ProjectPairingMustBeWithTheVillage,
  StepCannotPrecedeThePreviousStep,
} from './project.rules';

export interface Milestone {
  readonly id: string;
  readonly title: string;
  readonly dueOn: Day;
  readonly reachedOn: Day | null;
}

/** 帮扶项目: what the lifecycle and the funds rules read. */
export interface Project {
  readonly id: string;
  readonly orgId: string;
  readonly pairingId: string | null;
  readonly name: string;
  readonly category: ProjectCategory;
  readonly budgetFen: number;
  readonly beneficiaryHouseholds: number;
  readonly status: ProjectStatus;
  /** The day it was planned: nothing of its life (money, milestones) is dated before it. */
  readonly plannedOn: Day;
  /** The day of the latest step (planned on, approved on, …): the next step cannot precede it. */
  readonly lastStepOn: Day;
  /**
   * The day it was approved: no money moves before it. Null until then, and for a project approved
   * before the day was kept whose approval the outbox no longer holds (migration 1766800000140).
   */
  readonly approvedOn: Day | null;
  readonly milestones: readonly Milestone[];
}

export class MilestoneNotFoundError extends DomainError {
  constructor(id: string) {
    super('MILESTONE.NOT_FOUND', 'not_found', `节点不存在 / milestone ${id} not found`);
  }
}

export interface PlanProject {
  readonly id: string;
  readonly pairingId: string | null;
  readonly name: string;
  readonly category: ProjectCategory;
  readonly budgetFen: number;
  readonly beneficiaryHouseholds: number;
  readonly plannedOn: Day;
}

/** `pairing`: the pairing `input.pairingId` names, as the caller found it. */
export function planProject(
  input: PlanProject,
  village: Village,
  today: Day,
  pairing?: { readonly orgId: string },
): { project: Project; events: DomainEvent[] } {
  checkRule(new MustBeAnActiveVillage(village));
  checkRule(new ProjectPairingMustBeWithTheVillage(pairing?.orgId, village.id));
  checkRule(new TextMustNotBeBlank('name', input.name));
  checkRule(new PublishedTextCarriesNoPersonalNumbers('name', input.name));
  checkRule(new DayMustNotBeInTheFuture('plannedOn', input.plannedOn, today));
  checkRule(new AmountMustBeWithinTheCap('budgetFen', input.budgetFen));
  const project: Project = {
    ...input,
    orgId: village.id,
    status: 'planned',
    lastStepOn: input.plannedOn,
    approvedOn: null,
    milestones: [],
  };
  const event = domainEvent(ProjectPlanned, project.id, project.orgId, {
    projectId: project.id,
    orgId: project.orgId,
    ...(project.pairingId ? { pairingId: project.pairingId } : {}),
    name: project.name,
    category: project.category,
    budgetFen: project.budgetFen,
    beneficiaryHouseholds: project.beneficiaryHouseholds,
    plannedOn: input.plannedOn,
  });
  return { project, events: [event] };
}

export type Step = 'approve' | 'start' | 'complete' | 'accept';

const STEPS = {
  approve: { from: 'planned', to: 'approved', contract: ProjectApproved },
  start: { from: 'approved', to: 'in_progress', contract: ProjectStarted },
  complete: { from: 'in_progress', to: 'completed', contract: ProjectCompleted },
  accept: { from: 'completed', to: 'accepted', contract: ProjectAccepted },
} as const;

/**
 * One step of the lifecycle on day `on`. Completion is not dated before a milestone it closes was
 * reached, nor acceptance before the last day its money moved (`lastMovedOn`, read by the caller
 * under the project's lock): `ProjectCompleted` says every milestone is reached, and acceptance
 * closes the books, so neither can come first on the calendar reports file them by.
 */
export function advanceProject(
  project: Project,
  step: Step,
  on: Day,
  today: Day,
  lastMovedOn: Day | null = null,
): { project: Project; events: DomainEvent[] } {
  const s = STEPS[step];
  checkRule(new ProjectMustBeInState(project.status, [s.from], step));
  checkRule(new DayMustNotBeInTheFuture('on', on, today));
  checkRule(new StepCannotPrecedeThePreviousStep(on, project.lastStepOn));
  if (step === 'complete') {
    checkRule(new CompletionNeedsEveryMilestoneReached(project.milestones.filter((m) => !m.reachedOn).length));
    const lastReached = project.milestones.reduce<Day | null>(
      (last, m) => (m.reachedOn && (!last || m.reachedOn > last) ? m.reachedOn : last),
      null,
    );
    if (lastReached) checkRule(new DayMustNotPrecede('on', on, lastReached, '最后一个节点达成', 'the last milestone was reached'));
  }
  if (step === 'accept' && lastMovedOn)
    checkRule(new DayMustNotPrecede('on', on, lastMovedOn, '最后一笔资金往来', 'the last movement of its money'));
  const next: Project = { ...project, status: s.to, lastStepOn: on, ...(step === 'approve' ? { approvedOn: on } : {}) };
  return {
    project: next,
    events: [domainEvent(s.contract, project.id, project.orgId, { projectId: project.id, orgId: project.orgId, on })],
  };
}

/** 群众满意度: the people served rate an accepted project. */
export function evaluateProject(project: Project, satisfaction: Ballot, on: Day, today: Day): { project: Project; events: DomainEvent[] } {
  checkRule(new ProjectMustBeInState(project.status, ['accepted'], 'evaluate'));
  checkRule(new DayMustNotBeInTheFuture('on', on, today));
  checkRule(new StepCannotPrecedeThePreviousStep(on, project.lastStepOn));
  const next: Project = { ...project, status: 'evaluated', lastStepOn: on };
  const event = domainEvent(ProjectEvaluated, project.id, project.orgId, { projectId: project.id, orgId: project.orgId, on, satisfaction });
  return { project: next, events: [event] };
}

/** Milestones are set until the work is done; afterwards the plan is history. */
export function addMilestone(project: Project, milestone: Omit<Milestone, 'reachedOn'>): Project {
  checkRule(new ProjectMustBeInState(project.status, ['planned', 'approved', 'in_progress'], 'add a milestone to'));
  checkRule(new TextMustNotBeBlank('title', milestone.title));
  checkRule(new DayMustNotPrecede('dueOn', milestone.dueOn, project.plannedOn, '项目立项', 'the project was planned'));
  checkRule(new PublishedTextCarriesNoPersonalNumbers('title', milestone.title));
  return { ...project, milestones: [...project.milestones, { ...milestone, reachedOn: null }] };
}

export function reachMilestone(
  project: Project,
  milestoneId: string,
  reachedOn: Day,
  today: Day,
): { project: Project; events: DomainEvent[] } {
  const m = project.milestones.find((x) => x.id === milestoneId);
  if (!m) throw new MilestoneNotFoundError(milestoneId);
  checkRule(new ProjectMustBeInState(project.status, ['approved', 'in_progress'], 'reach a milestone of'));
  checkRule(new MilestoneIsReachedOnce(m.reachedOn));
  checkRule(new DayMustNotBeInTheFuture('reachedOn', reachedOn, today));
  checkRule(new DayMustNotPrecede('reachedOn', reachedOn, project.plannedOn, '项目立项', 'the project was planned'));
  const next: Project = { ...project, milestones: project.milestones.map((x) => (x.id === milestoneId ? { ...x, reachedOn } : x)) };
  const event = domainEvent(MilestoneReached, project.id, project.orgId, {
    projectId: project.id,
    orgId: project.orgId,
    milestoneId,
    title: m.title,
    dueOn: m.dueOn,
    reachedOn,
    late: reachedOn > m.dueOn,
  });
  return { project: next, events: [event] };
}
