export * from './rubrics';
export * from './monthly-review.commands';
export * from './monthly-review.events';
export * from './monthly-review.rules';
export * from './monthly-review.state';
export { monthlyReviewDecider, zoneDecider, monthlyReviewStream } from './monthly-review.decide';
export { campaignCyclesFold, cycleOfMonth, type CampaignCycles } from './campaign-cycles';
