import { Inject, Injectable } from '@nestjs/common';
import { programmeDecider, programmeStreamId, type AllocateQuota } from '@vanguard/commendation-domain';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { orgPathOrFail, orgVersionsOf } from '../load-or-fail';

export type AllocateQuotaInput = Pick<AllocateQuota['data'], 'unitOrgId' | 'category' | 'places' | 'reason'>;

/** 分配名额: the unit's path from the tree copy (recorded with its versions) and today's date; the decider judges. */
@Injectable()
export class AllocateQuotaHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(programmeId: string, input: AllocateQuotaInput, ctx: CommandContext): Promise<{ version: number }> {
    const by = decidedBy(ctx, ['organizer', 'admin']);
    const path = await orgPathOrFail(this.tree, input.unitOrgId);
    const stream = programmeStreamId(programmeId);
    const { state, version } = await this.streams.load(stream, programmeDecider);
    const events = programmeDecider.decide(
      {
        type: 'AllocateQuota',
        data: {
          ...input,
          unitOrgPath: path.map((o) => o.id),
          orgVersions: orgVersionsOf(path),
          today: this.clock.today(),
          decidedBy: by,
        },
      },
      state,
    );
    return { version: await this.streams.append(stream, events, version, streamContext(ctx, state.orgId ?? by.orgId)) };
  }
}
