export * from './programme.commands';
export * from './programme.events';
export * from './programme.rules';
export * from './programme.facts';
export {
  initialState as initialProgrammeState,
  evolve as evolveProgramme,
  quotaKey,
  type ProgrammeState,
  type ProgrammeStatus,
  type ProgrammeTimeline,
} from './programme.state';
export { programmeDecider } from './programme.decide';
