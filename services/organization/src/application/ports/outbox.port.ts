import type { DomainEvent } from '../../domain/shared/aggregate-root';
import type { Actor } from './actor';

export const OUTBOX = Symbol('Outbox');

/** Who caused the events and in which request; every published envelope carries it. */
export interface EventContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
}

/**
 * Records events to publish, in the caller's unit of work: they reach Kafka if and only
 * if the state change commits (the relay publishes them afterwards).
 */
export interface Outbox {
  add(events: readonly DomainEvent[], context: EventContext): Promise<void>;
}
