import { Inject, Injectable } from '@nestjs/common';
import { commentDecider } from '@vanguard/evaluation-domain';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { commentStream } from '../comment-access/comment-access';
import { readPathOrFail } from '../pledge-access';
import { loadInspectionInScope } from './inspection-access';

export interface RecordInspectionFindingsInput {
  readonly orgId: string;
  readonly summary: string;
  readonly findings: readonly { readonly problem: string; readonly rectification: string; readonly deadline: string }[];
  readonly reason: string;
}

/**
 * 检查发现问题: reads the inspection (group, units, version) and the unit's path, and lets the comment
 * decider open a findings stream for them — completed, marked overdue and listed by the comment
 * slice from then on (ADR 0038), with no rule of its own for "overdue".
 */
@Injectable()
export class RecordInspectionFindingsHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
  ) {}

  async execute(
    inspectionId: string,
    input: RecordInspectionFindingsInput,
    ctx: CommandContext,
  ): Promise<{ commentId: string; findingIds: string[]; version: number }> {
    const by = decidedBy(ctx);
    const loaded = await loadInspectionInScope(this.streams, this.tree, ctx, inspectionId);
    const orgPath = await readPathOrFail(this.tree, input.orgId);
    const commentId = this.ids.next();
    const findings = input.findings.map((f) => ({ findingId: this.ids.next(), ...f }));
    const stream = commentStream(commentId);
    const { state, version } = await this.streams.load(stream, commentDecider);
    const events = commentDecider.decide(
      {
        type: 'RecordInspectionFindings',
        data: {
          commentId,
          orgId: input.orgId,
          recordedOn: this.clock.today(),
          summary: input.summary,
          findings,
          inspection: {
            inspectionId,
            members: loaded.inspection.group.members,
            units: loaded.inspection.units,
            version: loaded.version,
          },
          orgPath,
          decidedBy: by,
          reason: input.reason,
        },
      },
      state,
    );
    const next = await this.streams.append(stream, events, version, streamContext(ctx, input.orgId));
    return { commentId, findingIds: findings.map((f) => f.findingId), version: next };
  }
}
