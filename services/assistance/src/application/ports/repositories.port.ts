import type { Cadre, Deed } from '../../domain/field-work/field-work';
import type { FundMovement, SourceBalance } from '../../domain/funds/fund-ledger';
import type { Pairing } from '../../domain/pairing/pairing';
import type { Milestone, Project } from '../../domain/project/project';
import type { Village } from '../../domain/shared/village';
import type { Actor } from './context.port';
import type { GuardedWrite, Sql, Tx } from './unit-of-work.port';

export const PAIRINGS = Symbol('Pairings');
export const PROJECTS = Symbol('Projects');
export const FUNDS = Symbol('Funds');
export const FIELD_WORK = Symbol('FieldWork');

export interface PairingRepository {
  insert(tx: Tx, pairing: Pairing, by: Actor, at: Date): Promise<void>;
  get(tx: Tx, id: string): Promise<Pairing | null>;
}

export interface ProjectRepository {
  /** The last day money moved on the project (any movement, a reversal too), or null. */
  lastMovedOn(tx: Tx, projectId: string): Promise<string | null>;
  insert(tx: Tx, project: Project, at: Date): Promise<void>;
  /**
   * The project, its row locked until commit: commands on one project take turns. Milestones are
   * read unless `withMilestones` is false (money commands do not look at them).
   */
  getForUpdate(tx: Tx, id: string, withMilestones?: boolean): Promise<Project | null>;
  /**
   * `getForUpdate`, with the roster rows of the project's village and of `actorOrgId` read in the
   * same statement (one round trip fewer for every command on a project; the scope question needs no lock).
   */
  getForUpdateWithScope(
    tx: Tx,
    id: string,
    actorOrgId: string | undefined,
    withMilestones?: boolean,
  ): Promise<{ project: Project; orgs: Village[] } | null>;
  /**
   * `getForUpdateWithScope` for a money command (no milestones), with every source's balance
   * read once the lock is held, so it includes what the lock's previous holder committed — in
   * the same round trip.
   */
  getForMoneyWithScope(
    tx: Tx,
    id: string,
    actorOrgId: string | undefined,
  ): Promise<{ project: Project; orgs: Village[]; balances: SourceBalance[] } | null>;
  /**
   * What `getForMoneyWithScope` answers, read in one statement without a lock (one snapshot): what
   * an optimistic money command decides on before its guarded write (`FundRepository.recordIfUnchanged`).
   */
  peekForMoneyWithScope(
    db: Sql,
    id: string,
    actorOrgId: string | undefined,
  ): Promise<{ project: Project; orgs: Village[]; balances: SourceBalance[] } | null>;
  saveStep(tx: Tx, project: Project, satisfaction?: string): Promise<void>;
  addMilestone(tx: Tx, projectId: string, milestone: Milestone): Promise<void>;
  reachMilestone(tx: Tx, milestoneId: string, reachedOn: string): Promise<void>;
}

export interface FundRepository {
  movement(db: Sql, projectId: string, movementId: string): Promise<FundMovement | null>;
  /** Appends the entry and sets the source's balance; the DB refuses a negative balance or a second reversal. */
  record(tx: Tx, movement: FundMovement, balance: SourceBalance, by: Actor, at: Date): Promise<void>;
  /**
   * `record` as a guarded write for `UnitOfWork.writeIf`, for a decision taken without a lock on
   * `seen`: it applies only if the project (status, budget, allocations) and the source's balance
   * are still what was seen; otherwise nothing is written.
   */
  recordIfUnchanged(
    seen: { project: Project; balances: readonly SourceBalance[] },
    movement: FundMovement,
    balance: SourceBalance,
    by: Actor,
    at: Date,
  ): GuardedWrite;
}

export interface Household {
  readonly id: string;
  readonly orgId: string;
  readonly label: string;
  readonly headName: string;
}

export interface FieldWorkRepository {
  insertCadre(tx: Tx, cadre: Cadre, at: Date): Promise<void>;
  /**
   * The member's dispatches to the village whose periods meet [from, to], read after taking a
   * lock on (member, village) for the rest of the transaction, so two dispatches cannot both pass.
   */
  overlappingDispatches(tx: Tx, memberId: string, orgId: string, from: string, to: string): Promise<string[]>;
  cadre(tx: Tx, id: string): Promise<Cadre | null>;
  insertHousehold(tx: Tx, household: Household, at: Date): Promise<void>;
  household(tx: Tx, id: string): Promise<Household | null>;
  insertCard(tx: Tx, cadreId: string, householdId: string, issuedOn: string): Promise<void>;
  /** Of `householdIds`, those holding a contact card of the cadre. */
  cardHolders(tx: Tx, cadreId: string, householdIds: readonly string[]): Promise<Set<string>>;
  insertDiaryEntry(tx: Tx, entry: { id: string; cadreId: string; writtenOn: string; text: string }, at: Date): Promise<void>;
  insertVisit(
    tx: Tx,
    visit: { id: string; cadreId: string; orgId: string; visitedOn: string; summary: string; householdIds: readonly string[] },
    at: Date,
  ): Promise<void>;
  insertDeed(tx: Tx, deed: Deed, orgId: string, at: Date): Promise<void>;
}
