export * from './pledge.commands';
export * from './pledge.events';
export * from './pledge.rules';
export * from './pledge.state';
export { pledgeDecider } from './pledge.decide';
