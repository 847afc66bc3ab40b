import { Inject, Injectable } from '@nestjs/common';
import { programmeDecider, programmeStreamId, type LaunchAwardProgramme } from '@vanguard/commendation-domain';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { orgPathOrFail, orgVersionsOf } from '../load-or-fail';

export type LaunchAwardProgrammeInput = Omit<LaunchAwardProgramme['data'], 'programmeId' | 'awardingOrgLevel' | 'decidedBy'>;

/** 部署表彰: the awarding body's level comes from the tree copy; the decider judges the rest. */
@Injectable()
export class LaunchAwardProgrammeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
  ) {}

  async execute(input: LaunchAwardProgrammeInput, ctx: CommandContext): Promise<{ programmeId: string; version: number }> {
    const by = decidedBy(ctx, ['organizer', 'admin']);
    const path = await orgPathOrFail(this.tree, input.orgId);
    const awarding = path.at(-1)!;
    const programmeId = this.ids.next();
    const stream = programmeStreamId(programmeId);
    const { state, version } = await this.streams.load(stream, programmeDecider);
    const events = programmeDecider.decide(
      {
        type: 'LaunchAwardProgramme',
        data: { ...input, programmeId, awardingOrgLevel: awarding.level, decidedBy: by, orgVersions: orgVersionsOf(path) },
      },
      state,
    );
    const next = await this.streams.append(stream, events, version, streamContext(ctx, input.orgId));
    return { programmeId, version: next };
  }
}
