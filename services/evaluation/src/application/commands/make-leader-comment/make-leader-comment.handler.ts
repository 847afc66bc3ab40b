import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  campaignDecider,
  CommentIsByALeaderAboveOrTheContactPointRule,
  commentCycleReadFrom,
  commentDecider,
  type CommentCycleRead,
  type CommentRight,
  type MakeLeaderComment,
} from '@vanguard/evaluation-domain';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { CYCLE_DIRECTORY, type CycleDirectoryPort } from '../../ports/cycle-directory.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../../ports/roster.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { campaignStream } from '../campaign-access';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { commentStream } from '../comment-access/comment-access';
import { readPathOrFail } from '../pledge-access';

type Made = MakeLeaderComment['data'];
export type MakeLeaderCommentInput = Pick<Made, 'orgId' | 'cycleId' | 'form' | 'summary'> & {
  readonly findings: readonly { readonly problem: string; readonly rectification: string; readonly deadline: string }[];
  readonly reason: string;
};

/**
 * 领导点评: gathers the commenter's right — the organisation's path from the tree copy, and
 * from the roster whether the caller leads one of its contact points — and the cycle it names,
 * as its campaign's stream says (ADR 0138), and lets the decider's rules judge them; the comment
 * is made today (China time) and each finding gets its own id. Every path that records a leader's
 * comment (the HTTP route, the demo seed) goes through here, so through the same rules.
 */
@Injectable()
export class MakeLeaderCommentHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
    @Inject(CYCLE_DIRECTORY) private readonly cycles: CycleDirectoryPort,
    // Optional so the service boots before the roster slice binds it: without a roster no
    // caller has a contact point, which refuses (never allows) a comment.
    @Optional() @Inject(ROSTER) private readonly roster: RosterPort | null = null,
  ) {}

  async execute(input: MakeLeaderCommentInput, ctx: CommandContext): Promise<{ commentId: string; findingIds: string[]; version: number }> {
    const by = decidedBy(ctx);
    const right = await this.right(input.orgId, ctx);
    // The decider refuses a caller without the right before it judges the cycle, so the cycle is
    // not looked up for one: the refusal is the same, and only a caller who may comment on the
    // organisation sets the directory looking (ADR 0138).
    const mayComment = !new CommentIsByALeaderAboveOrTheContactPointRule(by, right).isBroken();
    const cycle = input.cycleId === null || !mayComment ? null : await this.cycleRead(input.cycleId);
    const commentId = this.ids.next();
    const findings = input.findings.map((f) => ({ findingId: this.ids.next(), ...f }));
    const stream = commentStream(commentId);
    const { state, version } = await this.streams.load(stream, commentDecider);
    const { reason, ...comment } = input;
    const events = commentDecider.decide(
      {
        type: 'MakeLeaderComment',
        data: { ...comment, commentId, findings, madeOn: this.clock.today(), decidedBy: by, right, cycle, reason },
      },
      state,
    );
    const next = await this.streams.append(stream, events, version, streamContext(ctx, input.orgId));
    return { commentId, findingIds: findings.map((f) => f.findingId), version: next };
  }

  /**
   * The cycle named, as the stream of the campaign that plans it says now, at the version read;
   * null when no campaign plans it — which the decider's rule refuses, naming `cycleId`.
   */
  private async cycleRead(cycleId: string): Promise<CommentCycleRead | null> {
    const campaignId = await this.cycles.campaignOf(cycleId);
    if (campaignId === null) return null;
    const streamId = campaignStream(campaignId);
    const { state, version } = await this.streams.load(streamId, campaignDecider);
    return commentCycleReadFrom(state, streamId, version, cycleId);
  }

  /**
   * The facts the rule reads. The roster copy answers who leads a contact point but keeps no
   * per-contact-point version, so the input names the contact point's stream at version 0
   * ("as the roster copy held it"); see the README.
   */
  private async right(orgId: string, ctx: CommandContext): Promise<CommentRight> {
    const orgPath = await readPathOrFail(this.tree, orgId);
    const standing = await this.roster?.leaderStanding({ sub: ctx.caller.sub }, orgId);
    const contactPoint =
      standing?.as === 'contact_point_leader' ? { streamId: `contact-point-${standing.contactPointId}`, version: 0 } : null;
    return { orgPath, contactPoint };
  }
}
