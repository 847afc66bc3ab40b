import { Inject, Injectable } from '@nestjs/common';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import type { CommandContext } from '../command-context';
import { decideOnPledge } from '../pledge-access';

export type PublishPledgeInput = Record<string, never>;

/** Makes the filed pledge public. */
@Injectable()
export class PublishPledgeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(pledgeId: string, input: PublishPledgeInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnPledge(this.streams, this.tree, ctx, pledgeId, () => ({ type: 'PublishPledge', data: input }));
  }
}
