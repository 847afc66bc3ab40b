// The handlers' port to the event store, shared by every event-sourced service (libs/event-store).
// Commendation's decisions may span streams (a nomination and its unit's places; an objection and
// the nomination it withdraws), so its port appends to several at once, all or nothing.
export {
  ConcurrentChangeError,
  type Loaded,
  type StreamContext,
  type StreamRead,
  type StreamWrite,
  type AtomicStreamsPort as StreamsPort,
} from '@vanguard/event-store';

export const STREAMS = Symbol('STREAMS');
