import { campaignDecider, campaignStream, type CampaignState } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import type { OrgTreePort } from '../ports/org-tree.port';
import type { Loaded, StreamsPort } from '../ports/streams.port';
import type { CommandContext } from './command-context';

export class CampaignNotFoundError extends DomainError {
  constructor(campaignId: string) {
    super('CAMPAIGN.NOT_FOUND', 'not_found', `活动不存在 / no campaign ${campaignId}`);
  }
}

/** The domain's: a campaign's stream id, as decisions that read a campaign record it (ADR 0138). */
export { campaignStream };

/** A campaign the caller may run: launched over the caller's subtree or below it. */
export async function loadCampaignInScope(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  campaignId: string,
): Promise<Loaded<CampaignState> & { orgId: string }> {
  const loaded = await streams.load(campaignStream(campaignId), campaignDecider);
  const orgId = loaded.state.orgId;
  if (!loaded.state.launched || !orgId || !tree.isWithin(ctx.caller.orgId, orgId)) throw new CampaignNotFoundError(campaignId);
  return { ...loaded, orgId };
}
