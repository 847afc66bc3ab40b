export * from './pledge.commands';
export * from './pledge.events';
export * from './pledge.rules';
export { initialState as initialPledgeState, evolve as evolvePledge, type PledgeState, type PledgeStatus } from './pledge.state';
export { pledgeDecider } from './pledge.decide';
