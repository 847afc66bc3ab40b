import { Inject, Injectable } from '@nestjs/common';
import type { Ballot } from '@vanguard/contracts';
import {
  addMilestone,
  advanceProject,
  evaluateProject,
  planProject,
  reachMilestone,
  type PlanProject,
  type Project,
  type Step,
} from '../../domain/project/project';
import type { SourceBalance } from '../../domain/funds/fund-ledger';
import type { DomainEvent } from '../../domain/shared/domain-event';
import type { Village } from '../../domain/shared/village';
import type { CommandContext } from '../ports/context.port';
import { PAIRINGS, PROJECTS, type PairingRepository, type ProjectRepository } from '../ports/repositories.port';
import { ROSTER, type RosterPort } from '../ports/roster.port';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../ports/system.port';
import { UNIT_OF_WORK, type Sql, type Tx, type UnitOfWork } from '../ports/unit-of-work.port';
import { inScopeAmong, NotFoundError, organizationInScope, organizationInScopeByCode, pairingInScope } from '../scope/scope';
import { villageInScope } from './village-access';
import { DomainError } from '@vanguard/kernel';

/**
 * Loads a project for a command (row locked until commit, so commands on one project take
 * turns) and answers 404 alike for a project that does not exist and one outside the caller's subtree.
 */
@Injectable()
export class ProjectAccess {
  // The scope's roster rows come with the locked project, in one statement.
  constructor(@Inject(PROJECTS) private readonly projects: ProjectRepository) {}

  async load(tx: Tx, ctx: CommandContext, projectId: string, withMilestones = true): Promise<Project> {
    const found = await this.projects.getForUpdateWithScope(tx, projectId, ctx.actor.orgId, withMilestones);
    if (!found || !inScopeAmong(found.orgs, ctx.actor, found.project.orgId)) throw new NotFoundError('PROJECT', projectId);
    return found.project;
  }

  /** `load` for a money command: no milestones, every source's balance read under the lock, one round trip. */
  async loadWithBalances(tx: Tx, ctx: CommandContext, projectId: string): Promise<{ project: Project; balances: SourceBalance[] }> {
    const found = await this.projects.getForMoneyWithScope(tx, projectId, ctx.actor.orgId);
    if (!found || !inScopeAmong(found.orgs, ctx.actor, found.project.orgId)) throw new NotFoundError('PROJECT', projectId);
    return found;
  }

  /** `loadWithBalances` without the lock, in one statement outside any transaction: what an optimistic money command decides on. */
  async peekWithBalances(db: Sql, ctx: CommandContext, projectId: string): Promise<{ project: Project; balances: SourceBalance[] }> {
    const found = await this.projects.peekForMoneyWithScope(db, projectId, ctx.actor.orgId);
    if (!found || !inScopeAmong(found.orgs, ctx.actor, found.project.orgId)) throw new NotFoundError('PROJECT', projectId);
    return found;
  }
}

/** One row of a project import: its spreadsheet row number, the village (by id or by its organisation code) and what to plan. */
export interface PlanRow {
  readonly row: number;
  readonly village: VillageRef;
  readonly input: Omit<PlanProject, 'id'>;
}

/** A village as a project list names it: its id, or its organisation code (村组织代码), which people know. */
export type VillageRef = { readonly id: string } | { readonly code: string };

export interface PlanAllResult {
  /** Ids of the projects planned, in row order; empty when any row was refused. */
  readonly planned: string[];
  readonly refused: { row: number; error: DomainError }[];
}

/** Rolls the import's transaction back once its rows have all been decided. */
class ImportRefused extends Error {}

@Injectable()
export class ProjectHandlers {
  constructor(
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(PROJECTS) private readonly projects: ProjectRepository,
    @Inject(PAIRINGS) private readonly pairings: PairingRepository,
    @Inject(ROSTER) private readonly roster: RosterPort,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly access: ProjectAccess,
  ) {}

  async plan(ctx: CommandContext, orgId: string, input: Omit<PlanProject, 'id'>): Promise<{ id: string }> {
    const village = await villageInScope(this.roster, ctx.actor, orgId);
    const id = this.ids.newId();
    return this.uow.run(async (tx) => {
      await this.planIn(tx, ctx, village, { ...input, id });
      return { id };
    });
  }

  /**
   * Plans every row of an import in one transaction, each decided exactly as `plan` decides one
   * (scope, pairing, the domain's rules). Every row is tried so the uploader hears of every
   * refusal at once; if any was refused, nothing is kept (the transaction rolls back).
   */
  async planAll(ctx: CommandContext, rows: readonly PlanRow[]): Promise<PlanAllResult> {
    const refused: { row: number; error: DomainError }[] = [];
    const ids: string[] = [];
    // A list names few villages many times: each is asked of the roster once per import.
    const villages = new Map<string, Village | null>();
    const inScope = (ref: VillageRef, tx: Tx) =>
      'id' in ref
        ? organizationInScope(this.roster, ctx.actor, ref.id, tx)
        : organizationInScopeByCode(this.roster, ctx.actor, ref.code, tx);
    try {
      await this.uow.run(async (tx) => {
        for (const { row, village: ref, input } of rows) {
          try {
            const key = 'id' in ref ? `id:${ref.id}` : `code:${ref.code}`;
            if (!villages.has(key)) villages.set(key, await inScope(ref, tx));
            const village = villages.get(key);
            // Unknown and another subtree's answer alike, by id or by code.
            if (!village) throw new NotFoundError('ORGANIZATION', 'id' in ref ? ref.id : ref.code);
            const id = this.ids.newId();
            await this.planIn(tx, ctx, village, { ...input, id }, refused.length === 0);
            ids.push(id);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            refused.push({ row, error: e });
          }
        }
        if (refused.length) throw new ImportRefused();
      });
    } catch (e) {
      if (e instanceof ImportRefused) return { planned: [], refused };
      throw e;
    }
    return { planned: ids, refused: [] };
  }

  /** Decides one plan inside `tx`; once an import is known to fail, later rows are only decided, not written. */
  private async planIn(tx: Tx, ctx: CommandContext, village: Village, input: PlanProject, write = true): Promise<void> {
    const pairing = input.pairingId ? await pairingInScope(this.pairings, this.roster, ctx.actor, input.pairingId, tx) : undefined;
    const { project, events } = planProject(input, village, this.clock.today(), pairing);
    if (!write) return;
    await this.projects.insert(tx, project, this.clock.now());
    await tx.publish(events, ctx);
  }

  advance(ctx: CommandContext, projectId: string, step: Step, on: string): Promise<void> {
    return this.uow.run(async (tx) => {
      const project = await this.access.load(tx, ctx, projectId);
      // Read once the project's lock is held: a movement takes that lock too, so none lands after this read.
      const lastMovedOn = step === 'accept' ? await this.projects.lastMovedOn(tx, projectId) : null;
      const next = advanceProject(project, step, on, this.clock.today(), lastMovedOn);
      await this.projects.saveStep(tx, next.project);
      await tx.publish(next.events, ctx);
    });
  }

  evaluate(ctx: CommandContext, projectId: string, satisfaction: Ballot, on: string): Promise<void> {
    return this.change(ctx, projectId, (p) => evaluateProject(p, satisfaction, on, this.clock.today()), satisfaction);
  }

  async addMilestone(ctx: CommandContext, projectId: string, input: { title: string; dueOn: string }): Promise<{ id: string }> {
    const id = this.ids.newId();
    await this.uow.run(async (tx) => {
      const project = await this.access.load(tx, ctx, projectId);
      addMilestone(project, { id, ...input });
      await this.projects.addMilestone(tx, projectId, { id, ...input, reachedOn: null });
    });
    return { id };
  }

  reachMilestone(ctx: CommandContext, projectId: string, milestoneId: string, reachedOn: string): Promise<void> {
    return this.uow.run(async (tx) => {
      const project = await this.access.load(tx, ctx, projectId);
      const { events } = reachMilestone(project, milestoneId, reachedOn, this.clock.today());
      await this.projects.reachMilestone(tx, milestoneId, reachedOn);
      await tx.publish(events, ctx);
    });
  }

  private change(
    ctx: CommandContext,
    projectId: string,
    decide: (p: Project) => { project: Project; events: DomainEvent[] },
    satisfaction?: string,
  ): Promise<void> {
    return this.uow.run(async (tx) => {
      const { project, events } = decide(await this.access.load(tx, ctx, projectId));
      await this.projects.saveStep(tx, project, satisfaction);
      await tx.publish(events, ctx);
    });
  }
}
