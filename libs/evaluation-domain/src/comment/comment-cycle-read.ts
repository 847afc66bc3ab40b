import type { CampaignState } from '../campaign/campaign.state';
import type { CommentCycleRead } from './comment.commands';

/**
 * The cycle a comment names, as a campaign stream read at `version` says (ADR 0138): the root of
 * the campaign's subtree and the cycle's status then. Null when that campaign plans no such cycle
 * (or was never launched). The one reading of a campaign for the cycle rules: the handler builds
 * the command with it from the stream it loaded, and the replay from the stream at the version
 * the decision recorded, so the two cannot drift apart and a replay judges what the service judged.
 */
export function commentCycleReadFrom(campaign: CampaignState, streamId: string, version: number, cycleId: string): CommentCycleRead | null {
  const cycle = campaign.cycles.find((c) => c.cycleId === cycleId);
  return cycle && campaign.orgId ? { streamId, version, campaignOrgId: campaign.orgId, status: cycle.status } : null;
}
