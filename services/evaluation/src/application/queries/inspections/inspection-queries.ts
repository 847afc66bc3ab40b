import { Inject, Injectable } from '@nestjs/common';
import { OutOfScopeError, type CommandContext } from '../../commands/command-context';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { INSPECTION_READ_MODEL, type InspectionPage, type InspectionReadModelPort } from './inspection-read-model.port';

/**
 * Lists of inspections in the caller's subtree. The subtree asked for must lie within the caller's
 * (the scope rule, `ORG_TREE.isWithin`; 403 otherwise, as every list); an inspection is in it when its
 * group's scope is — the same test that lets a caller read one inspection by id.
 */
@Injectable()
export class InspectionQueries {
  constructor(
    @Inject(INSPECTION_READ_MODEL) private readonly views: InspectionReadModelPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  list(q: { subtreeOf?: string; limit: number; offset: number }, ctx: CommandContext): Promise<InspectionPage> {
    const subtreeOf = q.subtreeOf ?? ctx.caller.orgId;
    if (!subtreeOf || !this.tree.isWithin(ctx.caller.orgId, subtreeOf)) throw new OutOfScopeError();
    return this.views.list({ subtreeOf, limit: q.limit, offset: q.offset });
  }
}
