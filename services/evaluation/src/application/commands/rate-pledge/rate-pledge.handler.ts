import { Inject, Injectable } from '@nestjs/common';
import type { RatePledge } from '@vanguard/evaluation-domain';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, type CommandContext } from '../command-context';
import { decideOnPledge, filerPath } from '../pledge-access';

export type RatePledgeInput = Pick<RatePledge['data'], 'tally'>;

/** 评诺: the masses’ tally on a kept or lapsed pledge; the satisfaction rate is the domain’s. */
@Injectable()
export class RatePledgeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(pledgeId: string, input: RatePledgeInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnPledge(this.streams, this.tree, ctx, pledgeId, async (p) => ({
      type: 'RatePledge',
      data: { decidedBy: decidedBy(ctx), tally: input.tally, filerOrgPath: await filerPath(this.tree, p.state.filedByOrgId) },
    }));
  }
}
