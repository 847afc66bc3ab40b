import { Inject, Injectable } from '@nestjs/common';
import { BallotBoxRunFromAboveRule, massEvaluationDecider, type MassEvaluationCommand } from '@vanguard/evaluation-domain';
import { checkRule, DomainError } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ConcurrentChangeError, STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { BALLOT_BOX, type AppendInBoxTransaction, type BallotBoxPort } from './ballot-box.port';
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
    const boxWindow = {
      windowId,
      orgId: window.orgId,
      eligibleVoters: state.eligibleVoters,
      opensOn: state.opensOn!,
      closesOn: state.closesOn!,
    };
    const result = await this.withTrail(windowId, window.orgId, ctx, (trail) =>
      this.box.issueCodes(boxWindow, count, (append, issued) =>
        trail(append, { type: 'RecordBallotCodesIssued', data: { count, issuedInAll: issued, issuedBy: decidedBy(ctx) } }),
      ),
    );
    if (result.kind === 'closed') throw notOpen();
    if (result.kind === 'exceeds_voters') throw new CodesExceedVotersError(result.left);
    return { window, codes: result.codes, issued: result.issued };
  }

  /**
   * 作废未送达的投票码: the answer carrying `codes` never left the service (the issuer hung up
   * first, or an error went instead), so nobody can hand them out; they are voided and stop
   * counting against the eligible voters, and the trail says so. Nothing to void, nothing recorded.
   */
  async voidUndelivered(issued: IssuedCodes, ctx: CommandContext): Promise<number> {
    const { window, codes } = issued;
    const windowId = window.state.windowId!;
    const { voided } = await this.withTrail(windowId, window.orgId, ctx, (trail) =>
      this.box.voidCodes(windowId, codes, (append, v) =>
        trail(append, {
          type: 'RecordBallotCodesVoided',
          data: { count: v.voided, issuedInAll: v.issued, voidedBy: decidedBy(ctx), reason: 'answer-not-delivered' },
        }),
      ),
    );
    return voided;
  }

  /**
   * The box's work with its trail line (BallotCodesIssued or BallotCodesVoided, no codes) in one
   * transaction (ADR 0153): the line is decided on the stream as read just before and appended on
   * the box's connection, so an error or a crash between them leaves neither, never codes nobody
   * holds or a void the trail does not show.
   */
  private withTrail<T>(
    windowId: string,
    orgId: string,
    ctx: CommandContext,
    work: (trail: (append: AppendInBoxTransaction, command: MassEvaluationCommand) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const stream = massEvaluationStream(windowId);
    return runAgainOnAFreshRead(async () => {
      const { state, version } = await this.streams.load(stream, massEvaluationDecider);
      return work(async (append, command) => {
        await append(stream, massEvaluationDecider.decide(command, state), version, streamContext(ctx, orgId));
      });
    });
  }
}

/**
 * The box's transaction run again, on a fresh read of the stream, while its trail line meets an
 * append committed since that read (another batch or void of the window): what the box did is
 * undone with it, and new codes are drawn (none has left the service). The store's stale-xid
 * refusal cannot come first: such an append committed after the read, so the version differs.
 */
async function runAgainOnAFreshRead<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (!(e instanceof ConcurrentChangeError) || attempt >= 20) throw e;
    }
  }
}
