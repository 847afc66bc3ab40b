import { Inject, Injectable } from '@nestjs/common';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, type CommandContext } from '../command-context';
import { decideOnPledge, filerPath } from '../pledge-access';

export interface LapsePledgeInput {
  readonly reason: string;
}

/** The level that filed the pledge records it as not kept, with the reason. */
@Injectable()
export class LapsePledgeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(pledgeId: string, input: LapsePledgeInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnPledge(this.streams, this.tree, ctx, pledgeId, async (p) => ({
      type: 'LapsePledge',
      data: { decidedBy: decidedBy(ctx), filerOrgPath: await filerPath(this.tree, p.state.filedByOrgId), reason: input.reason },
    }));
  }
}
