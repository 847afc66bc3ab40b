import type { Pairing } from '../../domain/pairing/pairing';
import type { Actor } from './context.port';

export const READ_MODEL = Symbol('ReadModel');
export const OVERSIGHT_READ_MODEL = Symbol('OversightReadModel');

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export interface PairingView extends Pairing {
  readonly villageName: string;
}

export interface MilestoneView {
  readonly id: string;
  readonly title: string;
  readonly dueOn: string;
  readonly reachedOn: string | null;
}

export interface BalanceView {
  readonly source: string;
  readonly allocatedFen: number;
  readonly disbursedFen: number;
  readonly balanceFen: number;
}

export interface MovementView {
  readonly id: string;
  readonly source: string;
  readonly kind: string;
  readonly amountFen: number;
  readonly on: string;
  readonly purpose: string | null;
  readonly reversesId: string | null;
  readonly reversedBy: string | null;
  readonly balanceAfterFen: number;
  readonly recordedAt: string;
}

export interface ProjectView {
  readonly id: string;
  readonly orgId: string;
  readonly villageName: string;
  readonly pairingId: string | null;
  readonly name: string;
  readonly category: string;
  readonly budgetFen: number;
  readonly beneficiaryHouseholds: number;
  readonly status: string;
  readonly plannedOn: string;
  /** The day it was approved, from which its money is dated; null before, or where not known. */
  readonly approvedOn: string | null;
  readonly lastStepOn: string;
  readonly satisfaction: string | null;
  readonly allocatedFen: number;
  readonly disbursedFen: number;
}

export interface ProjectDetailView extends ProjectView {
  readonly milestones: MilestoneView[];
  readonly balances: BalanceView[];
}

export interface CadreView {
  readonly id: string;
  readonly memberId: string;
  readonly orgId: string;
  readonly villageName: string;
  readonly role: string;
  readonly sendingUnitName: string;
  readonly from: string;
  readonly to: string;
  readonly households: number;
}

export interface HouseholdView {
  readonly id: string;
  readonly orgId: string;
  readonly label: string;
  readonly headName: string;
  readonly lastVisitedOn: string | null;
}

export interface DiaryEntryView {
  readonly id: string;
  readonly writtenOn: string;
  readonly text: string;
}

export interface DeedView {
  readonly id: string;
  readonly orgId: string;
  readonly pairingId: string | null;
  readonly cadreId: string | null;
  readonly category: string;
  readonly title: string;
  readonly doneOn: string;
  readonly amountFen: number | null;
  readonly householdsHelped: number;
}

export interface OverdueVisitView {
  readonly householdId: string;
  readonly label: string;
  readonly orgId: string;
  readonly villageName: string;
  readonly cadreIds: string[];
  readonly lastVisitedOn: string | null;
}

export interface LateMilestoneView {
  readonly projectId: string;
  readonly projectName: string;
  readonly orgId: string;
  readonly villageName: string;
  readonly milestoneId: string;
  readonly title: string;
  readonly dueOn: string;
  readonly daysLate: number;
}

export interface FundTotalsView {
  readonly orgId: string;
  readonly projects: number;
  readonly budgetFen: number;
  readonly allocatedFen: number;
  readonly disbursedFen: number;
  readonly balanceFen: number;
}

/** A village's public page (公开): projects, money in and out, milestones; no person, no household. */
export interface DisclosureView {
  readonly orgId: string;
  readonly villageName: string;
  readonly projects: {
    readonly name: string;
    readonly category: string;
    readonly status: string;
    readonly budgetFen: number;
    readonly allocatedFen: number;
    readonly disbursedFen: number;
    readonly milestones: { title: string; dueOn: string; reachedOn: string | null }[];
  }[];
  readonly deeds: { readonly category: string; readonly doneOn: string; readonly amountFen: number | null }[];
}

/** Reads, each scoped to the actor's subtree: what lies outside it is not there. */
export interface AssistanceReadModel {
  pairing(actor: Actor, id: string): Promise<PairingView | null>;
  pairings(actor: Actor, filter: { villageId?: string; lagging?: boolean }, page: Page): Promise<PairingView[]>;
  project(actor: Actor, id: string): Promise<ProjectDetailView | null>;
  projects(actor: Actor, filter: { villageId?: string; status?: string }, page: Page): Promise<ProjectView[]>;
  movements(actor: Actor, projectId: string, page: Page): Promise<MovementView[] | null>;
  cadre(actor: Actor, id: string): Promise<CadreView | null>;
  cadres(actor: Actor, filter: { villageId?: string }, page: Page): Promise<CadreView[]>;
  diary(actor: Actor, cadreId: string, page: Page): Promise<DiaryEntryView[] | null>;
  households(actor: Actor, villageId: string, page: Page): Promise<HouseholdView[]>;
  deeds(actor: Actor, filter: { villageId?: string }, page: Page): Promise<DeedView[]>;
}

/** Compliance lists and totals (scoped like the rest), and the public page (no scope, no personal data). */
export interface OversightReadModel {
  overdueVisits(
    actor: Actor,
    today: string,
    filter: { villageId?: string },
    page: Page,
  ): Promise<{ quarter: string; items: OverdueVisitView[] }>;
  lateMilestones(actor: Actor, today: string, filter: { villageId?: string }, page: Page): Promise<LateMilestoneView[]>;
  fundTotals(actor: Actor, orgId: string): Promise<FundTotalsView | null>;
  disclosure(villageId: string): Promise<DisclosureView | null>;
}
