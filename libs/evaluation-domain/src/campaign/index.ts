export * from './campaign.commands';
export * from './campaign.events';
export * from './campaign.rules';
export { initialState as initialCampaignState, evolve as evolveCampaign, type CampaignState, type CycleState } from './campaign.state';
export { campaignDecider, campaignStream } from './campaign.decide';
