import { Inject, Injectable } from '@nestjs/common';
import { BallotBoxRunFromAboveRule, massEvaluationDecider, type MassEvaluationCommand } from '@vanguard/evaluation-domain';
import { checkRule, DomainError } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ConcurrentChangeError, STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { BALLOT_BOX, type BallotBoxPort } from './ballot-box.port';
import { loadWindowInScope, massEvaluationStream, type LoadedWindow } from './mass-evaluation-access';

export class CodesExceedVotersError extends DomainError {
  constructor(left: number) {
    super(
      'MASS_EVALUATION.CODES_EXCEED_VOTERS',
      'rule',
      `投票码不能多于有投票资格的人数，还可发放 ${left} 个 / no more codes than eligible voters; ${left} left`,
    );
  }
}

const notOpen = () => new DomainError('MASS_EVALUATION.NOT_OPEN', 'conflict', '评议未开启或已结束 / the evaluation window is not open');

export interface IssuedCodes {
  readonly window: LoadedWindow;
  readonly codes: readonly string[];
  /** Codes issued for the window so far, these included. */
  readonly issued: number;
}

/**
 * 发放投票码: `count` one-time codes for an open window, never more in all than its eligible
 * voters. The codes leave the service only in this answer; the box keeps their keyed hashes.
 */
@Injectable()
export class IssueBallotCodesHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(BALLOT_BOX) private readonly box: BallotBoxPort,
  ) {}

  async execute(windowId: string, count: number, ctx: CommandContext): Promise<IssuedCodes> {
    const window = await loadWindowInScope(this.streams, this.tree, ctx, windowId);
    const { state } = window;
    if (state.status !== 'open') throw notOpen();
    // The same rule as opening: the evaluated organisation never hands out its own codes.
    if (state.subjectKind === 'organization')
      checkRule(new BallotBoxRunFromAboveRule(ctx.caller.orgId, window.orgId, (await this.tree.pathOf(window.orgId)) ?? []));
    const result = await this.box.issueCodes(
      { windowId, orgId: window.orgId, eligibleVoters: state.eligibleVoters, opensOn: state.opensOn!, closesOn: state.closesOn! },
      count,
    );
    if (result.kind === 'closed') throw notOpen();
    if (result.kind === 'exceeds_voters') throw new CodesExceedVotersError(result.left);
    try {
      await this.record(
        windowId,
        window.orgId,
        { type: 'RecordBallotCodesIssued', data: { count: result.codes.length, issuedInAll: result.issued, issuedBy: decidedBy(ctx) } },
        ctx,
      );
    } catch (e) {
      // The answer will be this error, not the codes: nobody holds them, and the trail has no batch to void.
      await this.box.voidCodes(windowId, result.codes).catch(() => undefined);
      throw e;
    }
    return { window, codes: result.codes, issued: result.issued };
  }

  /**
   * 作废未送达的投票码: the answer carrying `codes` never left the service (the issuer hung up
   * first, or an error went instead), so nobody can hand them out; they are voided and stop
   * counting against the eligible voters, and the trail says so. Nothing to void, nothing recorded.
   * The box's void and the trail's line are two writes: should the line fail after the void, the
   * error is the caller's to log, and the box has voided codes the trail does not show.
   */
  async voidUndelivered(issued: IssuedCodes, ctx: CommandContext): Promise<number> {
    const { window, codes } = issued;
    const windowId = window.state.windowId!;
    const { voided, issued: issuedInAll } = await this.box.voidCodes(windowId, codes);
    if (voided > 0)
      await this.record(
        windowId,
        window.orgId,
        { type: 'RecordBallotCodesVoided', data: { count: voided, issuedInAll, voidedBy: decidedBy(ctx), reason: 'answer-not-delivered' } },
        ctx,
      );
    return voided;
  }

  /**
   * The trail of what the box did (BallotCodesIssued or BallotCodesVoided, no codes). The box has
   * done it already, so a concurrent append (another batch, a close) is retried on a fresh read
   * rather than refused.
   */
  private async record(windowId: string, orgId: string, command: MassEvaluationCommand, ctx: CommandContext): Promise<void> {
    const stream = massEvaluationStream(windowId);
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.streams.load(stream, massEvaluationDecider);
      const events = massEvaluationDecider.decide(command, state);
      try {
        await this.streams.append(stream, events, version, streamContext(ctx, orgId));
        return;
      } catch (e) {
        if (!(e instanceof ConcurrentChangeError) || attempt >= 20) throw e;
      }
    }
  }
}
