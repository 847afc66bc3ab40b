export * from './pioneer.commands';
export * from './pioneer.events';
export * from './pioneer.rules';
export { initialState as initialPioneerState, evolve as evolvePioneer, type PioneerState } from './pioneer.state';
export { pioneerDecider } from './pioneer.decide';
