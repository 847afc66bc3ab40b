/**
 * An event-sourced aggregate as three plain functions (emmett's Decider): the state is the
 * fold of its events from `initialState()` with `evolve`, and `decide` turns a command and
 * the state into new events or a refusal. The same object is what the event store's
 * `aggregateStream` and `asOf` fold with, so the service and the audit replay share it.
 */
export interface Decider<TCommand, TState, TEvent> {
  initialState(): TState;
  evolve(state: TState, event: TEvent): TState;
  decide(command: TCommand, state: TState): TEvent[];
}

/** A domain event before the store completes its envelope: type and data only. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

/** Folds events into a state with a decider's `initialState` and `evolve`. */
export function fold<TState, TEvent>(
  decider: Pick<Decider<unknown, TState, TEvent>, 'initialState' | 'evolve'>,
  events: readonly TEvent[],
): TState {
  return events.reduce(decider.evolve, decider.initialState());
}
