import { Inject, Injectable } from '@nestjs/common';
import { massEvaluationDecider } from '@vanguard/evaluation-domain';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { loadWindowInScope, massEvaluationStream } from './mass-evaluation-access';

/** 评议结果公开: a closed window's rate becomes public, recorded as a decision (who, role, organisation, window version). */
@Injectable()
export class PublishMassEvaluationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  async execute(windowId: string, ctx: CommandContext): Promise<{ version: number }> {
    const window = await loadWindowInScope(this.streams, this.tree, ctx, windowId);
    const events = massEvaluationDecider.decide({ type: 'PublishMassEvaluation', data: { decidedBy: decidedBy(ctx) } }, window.state);
    const stream = massEvaluationStream(windowId);
    return { version: await this.streams.append(stream, events, window.version, streamContext(ctx, window.orgId)) };
  }
}
