import { Inject, Injectable } from '@nestjs/common';
import type { FundSource } from '@vanguard/contracts';
import { DomainError } from '@vanguard/kernel';
import { allocate, disburse, reverse, type FundMovement, type LedgerDecision, type SourceBalance } from '../../domain/funds/fund-ledger';
import type { CommandContext } from '../ports/context.port';
import { FUNDS, type FundRepository } from '../ports/repositories.port';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '../ports/system.port';
import { UNIT_OF_WORK, type Sql, type UnitOfWork } from '../ports/unit-of-work.port';
import { NotFoundError } from '../scope/scope';
import type { Project } from '../../domain/project/project';
import { ProjectAccess } from './projects.use-cases';

/**
 * 帮扶资金: every movement is decided by the domain on the project's state and balances, and
 * written only if that state is still current when it commits — two round trips when nothing
 * came between (ADR 0073): one read without a lock, one guarded autocommit statement with the
 * entry, the balance and the event. When the guard finds a change, or the decision is a refusal,
 * the command runs again on the locked path (the project's row lock, under which concurrent
 * commands take turns and each sees what the one before left), so every answer is the one that
 * path gives; the entry, the new balance and the event commit together or not at all either way.
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
    return this.move(ctx, projectId, async (p, all, id, db) => {
      const original = await this.funds.movement(db, projectId, movementId);
      if (!original) throw new NotFoundError('MOVEMENT', movementId);
      const current = all.find((b) => b.source === original.source) ?? { source: original.source, allocatedFen: 0, disbursedFen: 0 };
      return reverse(p, original, current, { id, ...input }, this.clock.today());
    });
  }

  private async move(ctx: CommandContext, projectId: string, decide: Decide): Promise<LedgerView> {
    const id = this.ids.newId();
    return (await this.optimistically(ctx, projectId, id, decide)) ?? this.locked(ctx, projectId, id, decide);
  }

  /** Load without a lock, decide, append if nothing read has changed: the view, or null when it did not apply (nothing written). */
  private async optimistically(ctx: CommandContext, projectId: string, id: string, decide: Decide): Promise<LedgerView | null> {
    try {
      const seen = await this.access.peekWithBalances(this.uow.autocommit, ctx, projectId);
      const { movement, balance, events } = await decide(seen.project, seen.balances, id, this.uow.autocommit);
      const [event] = events;
      if (!event || events.length > 1) return null;
      const write = this.funds.recordIfUnchanged(seen, movement, balance, ctx.actor, this.clock.now());
      return (await this.uow.writeIf(write, event, ctx)) ? viewOf(movement, balance) : null;
    } catch (e) {
      // A refusal is answered under the lock, on what the project holds then, never on what was read without it.
      if (e instanceof DomainError) return null;
      throw e;
    }
  }

  /** The project's row locked until commit: load, decide, append in one transaction. */
  private locked(ctx: CommandContext, projectId: string, id: string, decide: Decide): Promise<LedgerView> {
    return this.uow.run(async (tx) => {
      const { project, balances } = await this.access.loadWithBalances(tx, ctx, projectId);
      const { movement, balance, events } = await decide(project, balances, id, tx);
      await this.funds.record(tx, movement, balance, ctx.actor, this.clock.now());
      await tx.publish(events, ctx);
      return viewOf(movement, balance);
    });
  }
}

type Decide = (p: Project, all: SourceBalance[], id: string, db: Sql) => LedgerDecision | Promise<LedgerDecision>;

const viewOf = (movement: FundMovement, balance: SourceBalance): LedgerView => ({
  movementId: movement.id,
  source: balance.source,
  balanceFen: balance.allocatedFen - balance.disbursedFen,
});

export interface LedgerView {
  readonly movementId: string;
  readonly source: FundSource;
  readonly balanceFen: number;
}
