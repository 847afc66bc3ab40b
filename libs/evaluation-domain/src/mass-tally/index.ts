export * from './mass-tally.commands';
export * from './mass-tally.events';
export * from './mass-tally.rules';
export { initialState as initialMassTallyState, evolve as evolveMassTally, type MassTallyState } from './mass-tally.state';
export { massTallyDecider, massTallyStream } from './mass-tally.decide';
