import { Inject, Injectable } from '@nestjs/common';
import { massEvaluationDecider, type MassEvaluationState } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import type { CommandContext } from '../command-context';
import { BALLOT_BOX, type BallotBoxPort, type Rating } from './ballot-box.port';
import { loadWindowInScope, massEvaluationStream, MassEvaluationNotFoundError } from './mass-evaluation-access';

export interface MassEvaluationView {
  readonly windowId: string;
  readonly orgId: string;
  readonly subjectKind: 'organization' | 'member';
  readonly status: MassEvaluationState['status'];
  readonly eligibleVoters: number;
  readonly codesIssued: number;
  readonly opensOn: string;
  readonly closesOn: string;
  readonly tally: MassEvaluationState['tally'];
  readonly satisfactionPermille: number | null;
  readonly version: number;
}

/** The public result of a published window: the organisation and the rate, nobody's name. */
export interface PublishedResult {
  readonly windowId: string;
  readonly orgId: string;
  readonly subjectKind: 'organization' | 'member';
  readonly tally: NonNullable<MassEvaluationState['tally']>;
  readonly ballotsCast: number;
  readonly satisfactionPermille: number | null;
}

/** Reads of a window, straight from its stream (a handful of events), and of its closed box. */
@Injectable()
export class MassEvaluationQueries {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(BALLOT_BOX) private readonly box: BallotBoxPort,
  ) {}

  async get(windowId: string, ctx: CommandContext): Promise<MassEvaluationView> {
    const { state, orgId, version } = await loadWindowInScope(this.streams, this.tree, ctx, windowId);
    return {
      windowId,
      orgId,
      subjectKind: state.subjectKind!,
      status: state.status,
      eligibleVoters: state.eligibleVoters,
      codesIssued: await this.box.codesIssued(windowId),
      opensOn: state.opensOn!,
      closesOn: state.closesOn!,
      tally: state.tally,
      satisfactionPermille: state.satisfactionPermille,
      version,
    };
  }

  /** Anyone may read a published result; before publication it does not exist for the public. */
  async published(windowId: string): Promise<PublishedResult> {
    const { state } = await this.streams.load(massEvaluationStream(windowId), massEvaluationDecider);
    if (state.status !== 'published' || !state.tally) throw new MassEvaluationNotFoundError(windowId);
    const { tally } = state;
    return {
      windowId,
      orgId: state.orgId!,
      subjectKind: state.subjectKind!,
      tally,
      ballotsCast: tally.satisfied + tally.basicallySatisfied + tally.dissatisfied,
      satisfactionPermille: state.satisfactionPermille,
    };
  }

  /**
   * 群众意见: the comments, once the window is closed — while it is open, watching comments
   * arrive could tie one to a voter seen voting.
   */
  async comments(windowId: string, ctx: CommandContext): Promise<{ rating: Rating; comment: string }[]> {
    const { state } = await loadWindowInScope(this.streams, this.tree, ctx, windowId);
    if (state.status === 'open') {
      throw new DomainError('MASS_EVALUATION.STILL_OPEN', 'conflict', '评议结束后方可查看意见 / comments are read after the window closes');
    }
    return this.box.comments(windowId);
  }
}
