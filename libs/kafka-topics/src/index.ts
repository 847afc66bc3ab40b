export { waitForLeaders } from './wait-for-leaders';
export { setIdleGroupOffsets, type TopicOffsets } from './idle-group-offsets';
export { IDLE_FETCH_WAIT_MS } from './fetch-wait';
