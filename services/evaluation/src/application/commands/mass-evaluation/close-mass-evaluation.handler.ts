import { Inject, Injectable } from '@nestjs/common';
import { BallotBoxRunFromAboveRule, massEvaluationDecider } from '@vanguard/evaluation-domain';
import { checkRule } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ConcurrentChangeError, STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { BALLOT_BOX, type BallotBoxPort } from './ballot-box.port';
import { loadWindowInScope, massEvaluationStream } from './mass-evaluation-access';

const EMPTY = { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 };

/**
 * 结束评议: close the box for good, count it, and seal the tally into the window's stream as a
 * decision (rule and version from the domain). Closing the box first means no ballot can land
 * after the count; a close that fails to append can be repeated and counts the same box again.
 */
@Injectable()
export class CloseMassEvaluationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(BALLOT_BOX) private readonly box: BallotBoxPort,
  ) {}

  async execute(windowId: string, ctx: CommandContext): Promise<{ version: number }> {
    // A batch or a void committed while the box was closing (the close waits for its row) moved the
    // stream: read it again and close again; the box is already closed and counts the same.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.closeOnce(windowId, ctx);
      } catch (e) {
        if (!(e instanceof ConcurrentChangeError) || attempt >= 20) throw e;
      }
    }
  }

  private async closeOnce(windowId: string, ctx: CommandContext): Promise<{ version: number }> {
    const window = await loadWindowInScope(this.streams, this.tree, ctx, windowId);
    // As opening and issuing codes: the evaluated organisation never seals its own box. Checked
    // before the box closes, so a refused close leaves every code voting.
    if (window.state.subjectKind === 'organization')
      checkRule(new BallotBoxRunFromAboveRule(ctx.caller.orgId, window.orgId, (await this.tree.pathOf(window.orgId)) ?? []));
    // Only an open stream closes its box; otherwise the decider refuses (WindowIsOpenRule) on an empty tally.
    const tally = window.state.status === 'open' ? await this.box.close(windowId) : EMPTY;
    const ballots = tally.satisfied + tally.basicallySatisfied + tally.dissatisfied;
    const events = massEvaluationDecider.decide(
      {
        type: 'CloseMassEvaluation',
        data: { decidedBy: decidedBy(ctx), tally, ballotBox: { streamId: `ballot-box-${windowId}`, version: ballots } },
      },
      window.state,
    );
    const stream = massEvaluationStream(windowId);
    return { version: await this.streams.append(stream, events, window.version, streamContext(ctx, window.orgId)) };
  }
}
