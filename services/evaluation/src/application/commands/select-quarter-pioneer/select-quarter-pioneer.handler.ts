import { Inject, Injectable } from '@nestjs/common';
import { pioneerDecider, type SelectQuarterPioneer } from '@vanguard/evaluation-domain';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { readPathOrFail } from '../pledge-access';
import { PioneerNotFoundError, pioneerStream } from './pioneer-access';

export type SelectQuarterPioneerInput = Pick<SelectQuarterPioneer['data'], 'candidate' | 'votesFor' | 'votesCast' | 'reason'> & {
  readonly orgId: string;
  readonly cycleId: string;
};

/**
 * 先锋评选: the organisation (or a level above) selects a nominee carried by a majority. The
 * decision records who, in which role, for which organisation, the stream version read, the
 * majority rule and its version, and the reason.
 */
@Injectable()
export class SelectQuarterPioneerHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  async execute(input: SelectQuarterPioneerInput, ctx: CommandContext): Promise<{ version: number }> {
    const stream = pioneerStream(input.orgId, input.cycleId);
    const { state, version } = await this.streams.load(stream, pioneerDecider);
    // No nominations, or another subtree's: the same answer, so ids cannot be probed.
    if (version === 0 || !this.tree.isWithin(ctx.caller.orgId, input.orgId)) throw new PioneerNotFoundError();
    const { candidate, votesFor, votesCast, reason } = input;
    const orgPath = await readPathOrFail(this.tree, input.orgId);
    const events = pioneerDecider.decide(
      { type: 'SelectQuarterPioneer', data: { candidate, votesFor, votesCast, reason, decidedBy: decidedBy(ctx), orgPath } },
      state,
    );
    return { version: await this.streams.append(stream, events, version, streamContext(ctx, input.orgId)) };
  }
}
