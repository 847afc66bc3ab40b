import { Inject, Injectable } from '@nestjs/common';
import { OutOfScopeError, type CommandContext } from '../commands/command-context';
import { PledgeNotFoundError } from '../commands/pledge-access';
import { ORG_TREE, type OrgTreePort } from '../ports/org-tree.port';
import { PLEDGE_READ_MODEL, type PledgeLedger, type PledgeReadModelPort, type PledgeView } from '../ports/pledge-read-model.port';

/** Reads from the pledge projection, inside the caller's subtree. */
@Injectable()
export class PledgeQueries {
  constructor(
    @Inject(PLEDGE_READ_MODEL) private readonly views: PledgeReadModelPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  async get(pledgeId: string, ctx: CommandContext): Promise<PledgeView> {
    const view = await this.views.get(pledgeId);
    // Outside the caller's subtree reads exactly like a pledge that does not exist.
    if (!view || !this.tree.isWithin(ctx.caller.orgId, view.orgId)) throw new PledgeNotFoundError(pledgeId);
    return view;
  }

  async list(
    q: { subtreeOf?: string; cycleId?: string; limit: number; offset: number },
    ctx: CommandContext,
  ): Promise<{ items: PledgeView[]; total: number }> {
    const subtreeOf = this.subtree(q.subtreeOf, ctx);
    return this.views.list({ ...q, subtreeOf });
  }

  ledger(q: { subtreeOf?: string; cycleId: string }, ctx: CommandContext): Promise<PledgeLedger> {
    return this.views.ledger({ subtreeOf: this.subtree(q.subtreeOf, ctx), cycleId: q.cycleId });
  }

  private subtree(requested: string | undefined, ctx: CommandContext): string {
    const subtreeOf = requested ?? ctx.caller.orgId;
    if (!subtreeOf || !this.tree.isWithin(ctx.caller.orgId, subtreeOf)) throw new OutOfScopeError();
    return subtreeOf;
  }
}
