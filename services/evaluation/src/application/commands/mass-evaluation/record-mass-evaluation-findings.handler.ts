import { Inject, Injectable } from '@nestjs/common';
import { commentDecider } from '@vanguard/evaluation-domain';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { commentStream } from '../comment-access/comment-access';
import { readPathOrFail } from '../pledge-access';
import { loadWindowInScope } from './mass-evaluation-access';

export interface RecordMassEvaluationFindingsInput {
  readonly summary: string;
  readonly findings: readonly { readonly problem: string; readonly rectification: string; readonly deadline: string }[];
  readonly reason: string;
}

/**
 * 群众评议问题整改: reads the closed window (its status, subject, organisation and version) and the
 * organisation's path, and lets the comment decider record the problems as findings on
 * `comment-<windowId>` — from there the comment slice completes them, marks them overdue and lists
 * them, with no code of its own for mass evaluations (ADR 0031).
 */
@Injectable()
export class RecordMassEvaluationFindingsHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
  ) {}

  async execute(
    windowId: string,
    input: RecordMassEvaluationFindingsInput,
    ctx: CommandContext,
  ): Promise<{ commentId: string; findingIds: string[]; version: number }> {
    const by = decidedBy(ctx);
    const window = await loadWindowInScope(this.streams, this.tree, ctx, windowId);
    const orgPath = await readPathOrFail(this.tree, window.orgId);
    const findings = input.findings.map((f) => ({ findingId: this.ids.next(), ...f }));
    const stream = commentStream(windowId);
    const { state, version } = await this.streams.load(stream, commentDecider);
    const events = commentDecider.decide(
      {
        type: 'RecordMassEvaluationFindings',
        data: {
          window: {
            windowId,
            status: window.state.status,
            orgId: window.orgId,
            subject: { kind: window.state.subjectKind!, id: window.state.subjectId! },
            version: window.version,
          },
          orgPath,
          decidedBy: by,
          recordedOn: this.clock.today(),
          summary: input.summary,
          findings,
          reason: input.reason,
        },
      },
      state,
    );
    const next = await this.streams.append(stream, events, version, streamContext(ctx, window.orgId));
    return { commentId: windowId, findingIds: findings.map((f) => f.findingId), version: next };
  }
}
