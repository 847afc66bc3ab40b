import { Inject, Injectable } from '@nestjs/common';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, type CommandContext } from '../command-context';
import { decideOnPledge, filerPath } from '../pledge-access';

export interface FulfilPledgeInput {
  readonly reason: string;
}

/** The level that filed the pledge accepts it as kept; the filer’s path comes from the tree copy. */
@Injectable()
export class FulfilPledgeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(pledgeId: string, input: FulfilPledgeInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnPledge(this.streams, this.tree, ctx, pledgeId, async (p) => ({
      type: 'FulfilPledge',
      data: { decidedBy: decidedBy(ctx), filerOrgPath: await filerPath(this.tree, p.state.filedByOrgId), reason: input.reason },
    }));
  }
}
