export { waitForLeaders } from './wait-for-leaders';
export { setIdleGroupOffsets, type TopicOffsets } from './idle-group-offsets';
