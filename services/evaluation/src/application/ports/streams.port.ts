// The handlers' port to the event store, shared by every event-sourced service (libs/event-store).
export { ConcurrentChangeError, type Loaded, type StreamContext, type StreamsPort } from '@vanguard/event-store';

export const STREAMS = Symbol('STREAMS');
