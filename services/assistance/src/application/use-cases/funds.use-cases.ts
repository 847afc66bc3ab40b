import { Inject, Injectable } from '@nestjs/common';
import type { FundSource } from '@vanguard/contracts';
import { allocate, disburse, reverse, type LedgerDecision, type SourceBalance } from '../../domain/funds/fund-ledger';
import type { CommandContext } from '../ports/context.port';
import { FUNDS, type FundRepository } from '../ports/repositories.port';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../ports/system.port';
import { UNIT_OF_WORK, type Tx, type UnitOfWork } from '../ports/unit-of-work.port';
import { NotFoundError } from '../scope/scope';
import type { Project } from '../../domain/project/project';
import { ProjectAccess } from './projects.use-cases';

/**
 * 帮扶资金: every movement is decided on the project's balances read under the project's row
 * lock, so concurrent disbursements on one project take turns and each sees what the one before
 * left; the entry, the new balance and the event commit together or not at all.
 */
@Injectable()
export class FundHandlers {
  constructor(
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(FUNDS) private readonly funds: FundRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly access: ProjectAccess,
  ) {}

  allocate(ctx: CommandContext, projectId: string, input: { source: FundSource; amountFen: number; on: string }): Promise<LedgerView> {
    return this.move(ctx, projectId, (p, all, id) => allocate(p, all, { id, ...input }, this.clock.today()));
  }

  disburse(
    ctx: CommandContext,
    projectId: string,
    input: { source: FundSource; amountFen: number; on: string; purpose: string },
  ): Promise<LedgerView> {
    return this.move(ctx, projectId, (p, all, id) =>
      disburse(
        p,
        all.find((b) => b.source === input.source),
        { id, ...input },
        this.clock.today(),
      ),
    );
  }

  reverse(ctx: CommandContext, projectId: string, movementId: string, input: { on: string; reason: string }): Promise<LedgerView> {
    return this.move(ctx, projectId, async (p, all, id, tx) => {
      const original = await this.funds.movement(tx, projectId, movementId);
      if (!original) throw new NotFoundError('MOVEMENT', movementId);
      const current = all.find((b) => b.source === original.source) ?? { source: original.source, allocatedFen: 0, disbursedFen: 0 };
      return reverse(p, original, current, { id, ...input }, this.clock.today());
    });
  }

  private move(
    ctx: CommandContext,
    projectId: string,
    decide: (p: Project, all: SourceBalance[], id: string, tx: Tx) => LedgerDecision | Promise<LedgerDecision>,
  ): Promise<LedgerView> {
    const id = this.ids.newId();
    return this.uow.run(async (tx) => {
      const { project, balances } = await this.access.loadWithBalances(tx, ctx, projectId);
      const { movement, balance, events } = await decide(project, balances, id, tx);
      await this.funds.record(tx, movement, balance, ctx.actor, this.clock.now());
      await tx.publish(events, ctx);
      return { movementId: movement.id, source: balance.source, balanceFen: balance.allocatedFen - balance.disbursedFen };
    });
  }
}

export interface LedgerView {
  readonly movementId: string;
  readonly source: FundSource;
  readonly balanceFen: number;
}
