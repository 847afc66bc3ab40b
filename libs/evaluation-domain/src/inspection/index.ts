export * from './draw';
export * from './inspection.commands';
export * from './inspection.events';
export * from './inspection.rules';
export { initialState as initialInspectionState, evolve as evolveInspection, type InspectionState } from './inspection.state';
export { inspectionDecider } from './inspection.decide';
