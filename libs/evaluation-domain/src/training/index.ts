export * from './training.commands';
export * from './training.events';
export * from './training.rules';
export { initialState as initialTrainingClassState, evolve as evolveTrainingClass, type TrainingClassState } from './training.state';
export { trainingClassDecider } from './training.decide';
