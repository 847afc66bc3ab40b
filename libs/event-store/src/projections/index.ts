export type { Queryable, ReadModel, ReadModelDefinition } from './read-model';
export { rebuildProjections, type RebuildOptions, type RebuildReport } from './rebuild';
export { ProjectionHub, type ProjectionHubOptions } from './projection-hub';
export { ParkedEvents, isUnstorable, type ParkReason } from './parked-events';
