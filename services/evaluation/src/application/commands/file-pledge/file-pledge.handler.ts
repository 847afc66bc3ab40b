import { Inject, Injectable } from '@nestjs/common';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, type CommandContext } from '../command-context';
import { decideOnPledge, readPathOrFail } from '../pledge-access';

export interface FilePledgeInput {
  readonly reason: string;
}

/** 把关备案: the level above files the pledge; the pledger’s path comes from the tree copy. */
@Injectable()
export class FilePledgeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(pledgeId: string, input: FilePledgeInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnPledge(this.streams, this.tree, ctx, pledgeId, async (p) => ({
      type: 'FilePledge',
      data: { decidedBy: decidedBy(ctx), pledgerOrgPath: await readPathOrFail(this.tree, p.orgId), reason: input.reason },
    }));
  }
}
