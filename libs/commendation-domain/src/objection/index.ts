export * from './objection.commands';
export * from './objection.events';
export * from './objection.rules';
export * from './objection.facts';
export {
  initialState as initialObjectionState,
  evolve as evolveObjection,
  objectionStreamId,
  isOpenObjection,
  type ObjectionState,
  type ObjectionStatus,
} from './objection.state';
export { objectionDecider } from './objection.decide';
