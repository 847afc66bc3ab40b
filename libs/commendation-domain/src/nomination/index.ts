export * from './nomination.commands';
export * from './nomination.events';
export * from './nomination.rules';
export * from './review-chain';
export * from './eligibility-refusal';
export {
  initialState as initialNominationState,
  evolve as evolveNomination,
  nominationStreamId,
  isStanding,
  awaitedStep,
  overdueStep,
  type NominationState,
  type NominationStatus,
} from './nomination.state';
export { nominationDecider } from './nomination.decide';
