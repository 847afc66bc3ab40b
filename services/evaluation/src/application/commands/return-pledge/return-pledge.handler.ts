import { Inject, Injectable } from '@nestjs/common';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, type CommandContext } from '../command-context';
import { decideOnPledge, readPathOrFail } from '../pledge-access';

export interface ReturnPledgeInput {
  readonly reason: string;
}

/** The level above returns the pledge with its reason; the pledger may amend it. */
@Injectable()
export class ReturnPledgeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(pledgeId: string, input: ReturnPledgeInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnPledge(this.streams, this.tree, ctx, pledgeId, async (p) => ({
      type: 'ReturnPledge',
      data: { decidedBy: decidedBy(ctx), pledgerOrgPath: await readPathOrFail(this.tree, p.orgId), reason: input.reason },
    }));
  }
}
